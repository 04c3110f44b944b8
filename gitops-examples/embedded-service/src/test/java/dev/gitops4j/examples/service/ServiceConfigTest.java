package dev.gitops4j.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

  private static final Map<String, String> ENV =
      Map.of(
          "GITOPS_REPO", "https://git.example.com/platform/shop-config.git",
          "GITOPS_HOST_DIR", "/srv/root",
          "GITOPS_PORT", "9090",
          "GITHUB_WEBHOOK_SECRET", "s3cret");

  @Test
  void readsTheEnvironmentWithDefaults() {
    ServiceConfig config = ServiceConfig.parse(new String[0], ENV);

    assertThat(config.repository()).isEqualTo("https://git.example.com/platform/shop-config.git");
    assertThat(config.branch()).isEqualTo("main");
    assertThat(config.path()).isEmpty();
    assertThat(config.hostDirectory()).isEqualTo(Path.of("/srv/root"));
    assertThat(config.stateDirectory()).isEqualTo(Path.of("state"));
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.interval()).isEqualTo(Duration.ofHours(1));
    assertThat(config.webhookSecret()).isEqualTo("s3cret");
  }

  @Test
  void flagsWinOverTheEnvironment() {
    ServiceConfig config =
        ServiceConfig.parse(
            new String[] {"--branch", "release", "--port", "0", "--interval", "PT10M"}, ENV);

    assertThat(config.branch()).isEqualTo("release");
    assertThat(config.port()).isZero();
    assertThat(config.interval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--port", "http"}, ENV))
        .hasMessage("port must be a number, was 'http'");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--interval", "1h"}, ENV))
        .hasMessageContaining("ISO-8601 duration such as PT1H, was '1h'");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--repo"}, ENV))
        .hasMessage("expected --name value, got '--repo'");
  }

  @Test
  void theWebhookSecretComesFromTheEnvironmentOnlyAndIsNeverPrinted() {
    Map<String, String> noSecret = Map.of("GITOPS_REPO", "r", "GITOPS_HOST_DIR", "/srv/root");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[0], noSecret))
        .hasMessage("missing webhook secret (GITHUB_WEBHOOK_SECRET)");

    ServiceConfig config =
        ServiceConfig.parse(
            new String[] {"--repo", "https://deploy:token123@git.example.com/shop.git"}, ENV);
    assertThat(config.toString())
        .doesNotContain("s3cret")
        .doesNotContain("token123")
        .contains("https://***@git.example.com/shop.git");
  }
}
