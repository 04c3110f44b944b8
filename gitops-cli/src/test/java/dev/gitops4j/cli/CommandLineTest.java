package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags and configuration files that are wrong: a clear message, exit 1, and nothing done. */
class CommandLineTest {

  @TempDir Path dir;

  @Test
  void unknownOptionIsAUsageErrorWithExitCode1() {
    Run run = Run.of("plan", "--repo", "file:///x", "--target", "k8s", "--bogus");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("Unknown option: '--bogus'").contains("gitops4j plan --help");
  }

  @Test
  void missingApplicationIsExplained() {
    Run run = Run.of("plan", "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("give --config FILE, or --repo URL and --target TYPE");
  }

  @Test
  void unknownTargetTypeListsTheKnownOnes() {
    Run run =
        Run.of("plan", "--repo", "file:///x", "--target", "nomad", "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err())
        .contains("unknown --target 'nomad'")
        .contains("k8s")
        .contains("terraform");
  }

  @Test
  void optionOfAnotherTargetTypeIsRefused() {
    Run run =
        Run.of(
            "plan",
            "--repo",
            "file:///x",
            "--target",
            "terraform",
            "--kubeconfig",
            "/k",
            "--state-dir",
            dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("target type terraform has no option 'kubeconfig'");
  }

  @Test
  void twoRefKindsAreRefused() {
    Run run =
        Run.of(
            "plan",
            "--repo",
            "file:///x",
            "--target",
            "k8s",
            "--tag",
            "v1",
            "--commit",
            "0123456789012345678901234567890123456789",
            "--state-dir",
            dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("give one of ref, tag, semver or commit");
  }

  @Test
  void badDurationNamesTheOption() {
    Run run = Run.of("plan", "--timeout", "soon");
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("--timeout").contains("'soon' is not a duration");
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine() throws IOException {
    Path file = write("applications:\n  - name: shop\n    source: {url: x\n");
    Run run = Run.of("plan", "--config", file.toString(), "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).containsPattern("gitops4j\\.yaml:\\d+:\\d+: ");
  }

  @Test
  void unknownKeyNamesFileLineAndTheKnownKeys() throws IOException {
    Path file =
        write(
            "applications:\n"
                + "  - name: shop\n"
                + "    source: {url: file:///x}\n"
                + "    target: {type: k8s}\n"
                + "    polcy: {mode: automatic}\n");
    Run run = Run.of("plan", "--config", file.toString(), "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err())
        .contains(file + ":5:")
        .contains("unknown key 'polcy'")
        .contains("name, policy, source, target");
  }

  @Test
  void semanticErrorsNameTheApplicationsLine() throws IOException {
    Path file =
        write(
            "applications:\n"
                + "  - name: a\n"
                + "    source: {url: file:///x}\n"
                + "    target: {type: k8s}\n"
                + "  - name: b\n"
                + "    source: {url: file:///x, semver: 'not a range'}\n"
                + "    target: {type: k8s}\n");
    Run run = Run.of("plan", "--config", file.toString(), "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains(file + ":5:").contains("application 'b'");
  }

  @Test
  void unknownTargetTypeInFileAndMissingUrl() throws IOException {
    Path file =
        write(
            "applications:\n"
                + "  - name: a\n"
                + "    source: {url: file:///x}\n"
                + "    target: {type: nomad}\n");
    Run run = Run.of("plan", "--config", file.toString());
    assertThat(run.err()).contains(file + ":2:").contains("unknown target type 'nomad'");

    Path noUrl = write("applications:\n  - name: a\n    target: {type: k8s}\n");
    Run second = Run.of("plan", "--config", noUrl.toString());
    assertThat(second.exitCode()).isEqualTo(Main.ERROR);
    assertThat(second.err()).contains(noUrl + ":2:").contains("needs 'source.url'");
  }

  @Test
  void configAndApplicationFlagsDoNotMix() throws IOException {
    Path file = write("applications: []\n");
    Run run = Run.of("plan", "--config", file.toString(), "--repo", "file:///x");
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("do not combine it with --repo");
  }

  @Test
  void missingConfigFile() {
    Run run = Run.of("sync", "--config", dir.resolve("absent.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("absent.yaml: no such file");
  }

  @Test
  void historyVerifyWithoutAFileIsAnError() {
    Run run = Run.of("history", "verify", "--history", dir.resolve("h.jsonl").toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("no history at");
  }

  @Test
  void helpAndVersionExitZero() {
    Run help = Run.of("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("plan").contains("rollback").contains("2 drift");
    assertThat(Run.of("--version").out()).startsWith("gitops4j ");
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "gitops4j", ".yaml");
    Path named = dir.resolve("sub" + System.nanoTime()).resolve("gitops4j.yaml");
    Files.createDirectories(named.getParent());
    Files.move(file, named);
    return Files.writeString(named, yaml);
  }
}
