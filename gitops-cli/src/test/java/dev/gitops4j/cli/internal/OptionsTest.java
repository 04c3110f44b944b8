package dev.gitops4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.SyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OptionsTest {

  @TempDir Path dir;

  private static final String FILE =
      "applications:\n"
          + "  - name: shop\n"
          + "    source: {url: 'https://git.example.com/shop.git', tag: v1.2.0, path: prod}\n"
          + "    target:\n"
          + "      type: terraform\n"
          + "      options: {binary: /usr/bin/tofu, vars: {region: eu-west-1, count: 3}}\n"
          + "    policy: {mode: manual-approval, prune: false}\n"
          + "  - name: web\n"
          + "    source: {url: 'file:///srv/web'}\n"
          + "    target: {type: k8s}\n";

  private List<AppSpec> specs(String... args) {
    AppOptions options = new AppOptions();
    new CommandLine(options).parseArgs(args);
    return options.specs();
  }

  @Test
  void fileIsReadWithVariablesPoliciesAndDefaults() throws IOException {
    Path file = Files.writeString(dir.resolve("gitops4j.yaml"), FILE);
    List<AppSpec> apps = specs("--config", file.toString());
    assertThat(apps).extracting(AppSpec::name).containsExactly("shop", "web");
    AppSpec shop = apps.get(0);
    assertThat(shop.ref()).isEqualTo(new RefSpec(RefSpec.Kind.TAG, "v1.2.0"));
    assertThat(shop.path()).isEqualTo("prod");
    assertThat(shop.options())
        .containsEntry("binary", "/usr/bin/tofu")
        .containsEntry("var.region", "eu-west-1")
        .containsEntry("var.count", "3");
    assertThat(shop.policy().mode()).isEqualTo(SyncPolicy.Mode.MANUAL_APPROVAL);
    assertThat(shop.policy().prune()).isFalse();
    assertThat(shop.where()).endsWith("gitops4j.yaml:2:5");
    AppSpec web = apps.get(1);
    assertThat(web.ref()).isEqualTo(new RefSpec(RefSpec.Kind.REF, "main"));
    assertThat(web.policy()).isEqualTo(SyncPolicy.automatic());
  }

  @Test
  void refAndPolicyFlagsOverrideTheFileForSelectedApplications() throws IOException {
    Path file = Files.writeString(dir.resolve("gitops4j.yaml"), FILE);
    List<AppSpec> apps =
        specs(
            "--config", file.toString(), "--app", "web", "--ref", "refs/pull/7/head", "--no-prune");
    assertThat(apps)
        .singleElement()
        .satisfies(
            app -> {
              assertThat(app.ref()).isEqualTo(new RefSpec(RefSpec.Kind.REF, "refs/pull/7/head"));
              assertThat(app.policy().prune()).isFalse();
              assertThat(app.policy().selfHeal()).isTrue();
            });
    assertThatThrownBy(() -> specs("--config", file.toString(), "--app", "nope"))
        .hasMessageContaining("no application named 'nope'");
  }

  @Test
  void flagsMakeOneApplicationNamedAfterTheRepository() {
    List<AppSpec> apps =
        specs(
            "--repo",
            "git@github.com:acme/shop-config.git",
            "--target",
            "terraform",
            "--var",
            "region=eu",
            "-O",
            "var-file=prod.tfvars",
            "--policy",
            "detect-only");
    AppSpec app = apps.get(0);
    assertThat(app.name()).isEqualTo("shop-config");
    assertThat(app.options())
        .containsEntry("var.region", "eu")
        .containsEntry("var-file", "prod.tfvars");
    assertThat(app.policy()).isEqualTo(SyncPolicy.detectOnly());
    assertThatThrownBy(() -> specs("--repo", "file:///x", "--target", "k8s", "-O", "colour=red"))
        .hasMessageContaining("has no option 'colour'");
  }

  @Test
  void durations() {
    Durations d = new Durations();
    assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(d.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(d.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(d.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> d.convert("0s")).hasMessageContaining("positive");
    assertThatThrownBy(() -> d.convert("ten")).hasMessageContaining("not a duration");
  }

  @Test
  void colourMarksAddedRemovedAndHunkLinesOnly() {
    String diff = "--- live/x\n+++ desired/x\n@@ -1 +1 @@\n-a: 1\n+a: 2\n b: 3\n";
    String colored = DiffCommand.colorize(diff);
    assertThat(colored)
        .contains("\u001b[31m-a: 1\u001b[0m")
        .contains("\u001b[32m+a: 2\u001b[0m")
        .contains("\u001b[36m@@ -1 +1 @@\u001b[0m")
        .contains("\n b: 3\n");
    assertThat(colored.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(diff);
  }
}
