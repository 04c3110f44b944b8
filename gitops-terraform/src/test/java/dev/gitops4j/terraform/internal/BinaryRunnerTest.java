package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.model.TargetException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process control of the binary runner, with plain system commands standing in for long runs. */
class BinaryRunnerTest {

  @TempDir Path dir;

  @Test
  void aCommandOverItsTimeoutIsInterruptedAndReportedAsRetryable() throws Exception {
    BinaryRunner runner =
        new BinaryRunner(
            Paths.get("/bin/sh"), Map.of(), Duration.ofMillis(300), Duration.ofSeconds(5));
    Path pidFile = dir.resolve("pid");
    assertThatThrownBy(
            () -> runner.run(dir, List.of("-c", "echo $$ > " + pidFile + "; exec sleep 60")))
        .isInstanceOfSatisfying(
            TargetException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.getMessage()).contains("did not finish within");
            });
    long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("stopped by the interrupt")
        .isFalse();
  }

  @Test
  void cancellingTheCallingThreadStopsTheCommand() throws Exception {
    BinaryRunner runner =
        new BinaryRunner(
            Paths.get("/bin/sleep"), Map.of(), Duration.ofMinutes(5), Duration.ofSeconds(5));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                runner.run(dir, List.of("60"));
              } catch (TargetException e) {
                failure.set(e);
              }
            });
    caller.start();
    caller.interrupt();
    caller.join(30_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(TargetException.class).hasMessageContaining("cancelled");
  }

  @Test
  void theEnvironmentIsSetForAutomationAndOutputIsKept() throws Exception {
    BinaryRunner runner =
        new BinaryRunner(
            Paths.get("/usr/bin/env"),
            Map.of("TF_VAR_x", "1"),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5));
    BinaryRunner.Result result = runner.run(dir, List.of("-u", "UNSET_ME"));
    assertThat(result.exit()).isZero();
    assertThat(result.stdout()).contains("TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_VAR_x=1");
  }

  @Test
  void secretsOfVariablesSetFromCodeAreRedactedFromMessagesStderrAndFailureText() throws Exception {
    BinaryRunner runner =
        new BinaryRunner(
            Paths.get("/bin/sh"),
            Map.of("TF_VAR_token", "tok-6e0c1a"),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5));
    List<String> seen = new ArrayList<>();
    String script =
        "echo '{\"type\":\"diagnostic\",\"diagnostic\":{\"severity\":\"error\","
            + "\"summary\":\"failed\",\"detail\":\"open /d/'$TF_VAR_token'/f\"}}';"
            + " echo 'plain '$TF_VAR_token; echo \"stderr $TF_VAR_token\" >&2; exit 1";

    BinaryRunner.Result result =
        runner.run(dir, List.of("-c", script), message -> seen.add(message.toString()));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.messages()).hasSize(1);
    assertThat(result.messages().get(0).path("diagnostic").path("detail").asText())
        .isEqualTo("open /d/<redacted>/f");
    assertThat(seen).hasSize(1).allSatisfy(m -> assertThat(m).doesNotContain("tok-6e0c1a"));
    assertThat(result.stdout()).contains("plain <redacted>").doesNotContain("tok-6e0c1a");
    assertThat(result.stderr()).isEqualTo("stderr <redacted>\n");
    assertThat(runner.failureText(result)).contains("<redacted>").doesNotContain("tok-6e0c1a");
  }
}
