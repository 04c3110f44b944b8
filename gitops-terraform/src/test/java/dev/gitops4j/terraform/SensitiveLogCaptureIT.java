package dev.gitops4j.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensitive Terraform values never leak, over a whole run against real OpenTofu with every log line
 * captured at TRACE: a {@code sensitive} variable and a {@code sensitive} output (a generated
 * password) are applied, a hand edit that put another value into the variable's file is healed, and
 * an apply fails with a provider error that quotes the variable's value. The run ({@link
 * SensitiveLogRun}) is a JVM of its own started with the root log level at TRACE, and its whole
 * output is the captured log. No value (nor its base64 form) may appear in any log line, the
 * history, the pass results, step messages, drift reports, rendered diffs, events or outputs.
 */
class SensitiveLogCaptureIT {

  static final String TOKEN = "canary-tf-token-6b1f0d";
  static final String EDITED = "canary-tf-hand-edit-2c9a7e";

  @TempDir Path dir;

  @Test
  void noSensitiveValueInAnyLogLineHistoryResultOrDiff() throws Exception {
    Path log = dir.resolve("run.log");
    Process run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "-cp",
                System.getProperty("java.class.path"),
                SensitiveLogRun.class.getName(),
                dir.toString(),
                TOKEN,
                EDITED)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(run.waitFor(10, TimeUnit.MINUTES)).as("the run ends").isTrue();
    String logged = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(run.exitValue()).as("every stage as expected:\n%s", logged).isZero();

    List<String> values = new ArrayList<>(List.of(TOKEN, EDITED));
    try (Stream<Path> files = Files.walk(dir.resolve("tf"))) {
      for (Path state :
          files.filter(f -> f.getFileName().toString().equals("terraform.tfstate")).toList()) {
        values.addAll(generatedPasswords(state));
      }
    }
    assertThat(values).as("values to look for, the generated password included").hasSize(3);
    assertThat(logged)
        .as("TRACE lines were written")
        .contains("TRACE dev.gitops4j.terraform.SensitiveLogRun - TRACE logging is on");
    assertThat(logged).contains("dev.gitops4j");
    String history = Files.readString(dir.resolve("history.jsonl"), StandardCharsets.UTF_8);
    String dump = Files.readString(dir.resolve("dump.txt"), StandardCharsets.UTF_8);
    assertThat(history).contains("SYNCED");
    assertThat(dump).contains("<sensitive:").contains("diff: ");
    assertThat(dump)
        .as("the provider error was recorded, its quote of the token redacted")
        .contains("is a directory")
        .contains("<redacted>");
    assertThat(history).contains("FAILED");
    for (String value : values) {
      String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
      for (String[] place :
          new String[][] {{"log", logged}, {"history", history}, {"results", dump}}) {
        assertThat(place[1].lines().filter(l -> l.contains(value) || l.contains(b64)).toList())
            .as("%s lines with %s or its base64", place[0], value)
            .isEmpty();
      }
    }
    System.out.printf(
        "sensitive log capture: %d log lines, %d history records, %d result lines; no value"
            + " leaked%n",
        logged.lines().count(), history.lines().count(), dump.lines().count());
  }

  /** The random_password results in the state file itself. */
  private static List<String> generatedPasswords(Path state) throws Exception {
    List<String> found = new ArrayList<>();
    JsonNode json = new ObjectMapper().readTree(state.toFile());
    for (JsonNode resource : json.path("resources")) {
      if (resource.path("type").asText().equals("random_password")) {
        for (JsonNode instance : resource.path("instances")) {
          found.add(instance.path("attributes").path("result").asText());
        }
      }
    }
    return found;
  }
}
