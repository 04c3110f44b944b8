package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
        .contains("dependsOn, name, policy, source, syncWindows, target, waveHealth");
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
  void deliveryRulesThatCannotHoldAreNamedWithTheApplicationsLine() throws IOException {
    String app = "  - name: %s\n    source: {url: file:///x}\n    target: {type: k8s}\n";
    Map<String, String> cases =
        Map.of(
            "    dependsOn: [absent]\n",
            "depends on 'absent', which the file does not declare",
            "    syncWindows: [{kind: freeze, schedule: '0 0 * * *', duration: 1h, zone: UTC}]\n",
            "sync window kind 'freeze' (expected allow or deny)",
            "    syncWindows: [{kind: deny, schedule: '0 0 * * *', duration: 1h, zone: Mars/Base}]\n",
            "sync window zone 'Mars/Base' is not a time zone",
            "    syncWindows: [{kind: deny, schedule: '61 0 * * *', duration: 1h, zone: UTC}]\n",
            "sync window '61 0 * * *' is not a cron schedule",
            "    syncWindows: [{kind: deny, schedule: '0 0 * * *', zone: UTC}]\n",
            "a sync window needs 'kind' (allow or deny), 'schedule', 'duration' and 'zone'",
            "    waveHealth: {poll: 5s}\n",
            "waveHealth needs 'timeout'");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = write("applications:\n" + app.formatted("a") + app.formatted("b") + c.getKey());
      Run run = Run.of("plan", "--config", file.toString(), "--state-dir", dir.toString());
      assertThat(run.exitCode()).as(c.getKey()).isEqualTo(Main.ERROR);
      assertThat(run.err()).as(c.getKey()).contains(file + ":5:").contains(c.getValue());
    }
    Path cycle =
        write(
            "applications:\n"
                + app.formatted("a")
                + "    dependsOn: [b]\n"
                + app.formatted("b")
                + "    dependsOn: [a]\n");
    Run run = Run.of("plan", "--config", cycle.toString(), "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("dependency cycle: a -> b -> a");
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
  void gitCredentialFlagsAreCheckedBeforeAnythingOpens() {
    String[] app = {"--repo", "https://git.example.com/x.git", "--target", "k8s"};
    assertThat(plan(app, "--git-token-env", "tok-3f9a/1c").err())
        .contains("'tok-3f9a/1c' is not an environment variable name");
    assertThat(plan(app, "--git-token-env", "A", "--git-token-file", "/t").err())
        .contains("give --git-token-env or --git-token-file, not both");
    assertThat(plan(app, "--git-user", "me").err())
        .contains("--git-user needs --git-password-env or --git-password-file");
    assertThat(plan(app, "--git-password-file", "/p").err())
        .contains("--git-password-env/--git-password-file needs --git-user");
    assertThat(
            plan(app, "--git-token-env", "T", "--git-user", "me", "--git-password-env", "P").err())
        .contains("give one");
    assertThat(plan(app, "--git-known-hosts", "/k").err())
        .contains("--git-known-hosts applies to SSH key authentication");
    Run run = plan(app, "--git-token-file", dir.resolve("absent-token").toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("Git token: ").contains("absent-token: no such file");
  }

  @Test
  void gitCredentialsInTheFileAreNamesAndPathsWithLines() throws IOException {
    Path literal =
        write(
            "applications:\n"
                + "  - name: a\n"
                + "    source:\n"
                + "      url: https://git.example.com/a.git\n"
                + "      auth:\n"
                + "        token: s3cr3t\n"
                + "    target: {type: k8s}\n");
    Run run = Run.of("plan", "--config", literal.toString(), "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err())
        .contains(literal + ":6:")
        .contains("unknown key 'token'")
        .contains("tokenEnv")
        .contains("tokenFile")
        .doesNotContain("s3cr3t");

    Path both =
        write(
            "applications:\n"
                + "  - name: a\n"
                + "    source: {url: 'https://git.example.com/a.git', auth: {tokenEnv: A,"
                + " username: me, passwordEnv: B}}\n"
                + "    target: {type: k8s}\n");
    Run second = Run.of("plan", "--config", both.toString(), "--state-dir", dir.toString());
    assertThat(second.exitCode()).isEqualTo(Main.ERROR);
    assertThat(second.err())
        .contains(both + ":2:")
        .contains("application 'a'")
        .contains("give one");
  }

  @Test
  void sshHostOptionsAreCheckedBeforeAnythingOpens() throws IOException {
    String[] app = {"--repo", "file:///x", "--name", "fleet", "--target", "host"};
    assertThat(plan(app, "--ssh-key", "/k").err())
        .contains("SSH needs a known_hosts file (--ssh-known-hosts");
    assertThat(plan(app, "--ssh-known-hosts", "/k").err())
        .contains("SSH needs a private key file (--ssh-key");
    assertThat(plan(app, "--ssh-known-hosts", "/k", "--ssh-key", "/i").err())
        .contains("--allowed-root");
    assertThat(
            plan(
                    app,
                    "--ssh-known-hosts",
                    "/k",
                    "--ssh-key",
                    "/i",
                    "--allowed-root",
                    "/srv",
                    "--ssh-timeout",
                    "soon")
                .err())
        .contains("option 'operation-timeout': 'soon' is not a duration");
    assertThat(plan(app, "-O", "root=/tmp/x", "--ssh-known-hosts", "/k").err())
        .contains("does not combine with SSH options [known-hosts]");
    Run missingKey =
        plan(
            app,
            "--ssh-known-hosts",
            dir.resolve("absent_known_hosts").toString(),
            "--ssh-key",
            "/i",
            "--allowed-root",
            "/srv");
    assertThat(missingKey.exitCode()).isEqualTo(Main.ERROR);
    assertThat(missingKey.err()).contains("absent_known_hosts is not readable");

    Path file =
        write(
            "applications:\n"
                + "  - name: fleet\n"
                + "    source: {url: 'file:///x'}\n"
                + "    target:\n"
                + "      type: host\n"
                + "      options:\n"
                + "        known-hosts: /etc/gitops4j/known_hosts\n"
                + "        identity: [/etc/gitops4j/id_ed25519]\n"
                + "        allowed-roots: [srv/www]\n");
    Run relative = Run.of("plan", "--config", file.toString(), "--state-dir", dir.toString());
    assertThat(relative.exitCode()).isEqualTo(Main.ERROR);
    assertThat(relative.err())
        .contains(file + ":2:")
        .contains("application 'fleet'")
        .contains("allowed root")
        .contains("srv/www");
  }

  @Test
  void rollbackNeedsAFullCommitId() {
    Run run =
        Run.of(
            "rollback",
            "--repo",
            "file:///x",
            "--target",
            "k8s",
            "--state-dir",
            dir.toString(),
            "x",
            "abc123");
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("REVISION must be a full 40-character commit id");
  }

  private Run plan(String[] app, String... more) {
    String[] all = new String[app.length + more.length + 3];
    all[0] = "plan";
    System.arraycopy(app, 0, all, 1, app.length);
    System.arraycopy(more, 0, all, 1 + app.length, more.length);
    all[all.length - 2] = "--state-dir";
    all[all.length - 1] = dir.toString();
    Run run = Run.of(all);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(Main.ERROR);
    return run;
  }

  @Test
  void helpAndVersionExitZero() {
    Run help = Run.of("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("plan")
        .contains("rollback")
        .contains("unpin")
        .contains("2 drift");
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
