package dev.gitops4j.test.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testbed's OpenTofu and providers, offline through the filesystem mirror. */
class OpenTofuIT {

  private record Result(int exit, String output) {}

  private static Result tofu(Testbed testbed, Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(testbed.tofu().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("TF_CLI_CONFIG_FILE", testbed.tofuCliConfig().toString());
    builder.environment().put("TF_IN_AUTOMATION", "1");
    builder.environment().put("TF_INPUT", "0");
    builder.environment().put("CHECKPOINT_DISABLE", "1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES))
        .as("tofu %s finished", String.join(" ", args))
        .isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void localFileIsCreatedThenDriftIsDetected(@TempDir Path dir) throws Exception {
    Testbed testbed = Testbed.get();
    Path managed = dir.resolve("hello.txt");
    Files.writeString(
        dir.resolve("main.tf"),
        "resource \"local_file\" \"hello\" {\n"
            + "  filename = \""
            + managed
            + "\"\n"
            + "  content  = \"hello from gitops4j\\n\"\n"
            + "}\n");

    Result init = tofu(testbed, dir, "init", "-input=false", "-no-color");
    assertThat(init.exit()).as(init.output()).isZero();
    Result apply = tofu(testbed, dir, "apply", "-auto-approve", "-input=false", "-no-color");
    assertThat(apply.exit()).as(apply.output()).isZero();
    assertThat(Files.readString(managed)).isEqualTo("hello from gitops4j\n");

    Result clean = tofu(testbed, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color");
    assertThat(clean.exit()).as(clean.output()).isZero();

    Files.delete(managed);
    Result drifted = tofu(testbed, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color");
    assertThat(drifted.exit()).as(drifted.output()).isEqualTo(2);
  }
}
