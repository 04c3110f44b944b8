package dev.gitops4j.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.source.RepositoryUrl;
import dev.gitops4j.webhook.PushEvent.Provider;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PushEventTest {

  private static PushEvent event(String url, String ref, String after) {
    return new PushEvent(Provider.GENERIC, Set.of(url), ref, after, "", Instant.EPOCH);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/acme/shop",
        "https://github.com/acme/shop.git",
        "https://github.com/acme/shop/",
        "https://github.com/acme/shop.git/",
        "HTTPS://GitHub.com/Acme/Shop",
        "http://github.com/acme/shop",
        "https://user:pass@github.com/acme/shop.git",
        "https://github.com:443/acme/shop",
        "git@github.com:acme/shop.git",
        "git@github.com:/acme/shop",
        "github.com:acme/shop",
        "ssh://git@github.com/acme/shop.git",
        "ssh://git@github.com:22/acme/shop",
        "git://github.com/acme/shop.git",
        "  https://github.com/acme/shop?tab=readme#top  ",
        "github.com/acme/shop",
      })
  void sameRepositoryInAnyFormMatches(String form) {
    assertThat(RepositoryUrl.normalize(form)).isEqualTo("github.com/acme/shop");
    assertThat(event("git@github.com:Acme/Shop.git", "refs/heads/main", "").matches(form)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "https://github.com/acme/shop, https://github.com/acme/shop-config",
    "https://github.com/acme/shop, https://github.com/other/shop",
    "https://github.com/acme/shop, https://gitlab.com/acme/shop",
    "git@github.com:acme/shop.git, git@github.com:acme/shop.gitx",
    "https://gitlab.com/group/sub/proj, https://gitlab.com/group/proj",
  })
  void differentRepositoriesDoNotMatch(String sent, String configured) {
    assertThat(event(sent, "refs/heads/main", "").matches(configured)).isFalse();
  }

  @Test
  void nestedGroupsAndSelfHostedPortsNormalize() {
    assertThat(
            RepositoryUrl.normalize("ssh://git@gitlab.example.com:2222/platform/infra/config.git"))
        .isEqualTo("gitlab.example.com/platform/infra/config");
    assertThat(RepositoryUrl.normalize("git@gitlab.example.com:platform/infra/config.git"))
        .isEqualTo("gitlab.example.com/platform/infra/config");
    assertThat(RepositoryUrl.normalize("https://[::1]:8443/repo.git")).isEqualTo("[::1]/repo");
  }

  @Test
  void blankUrlsNeverMatch() {
    assertThat(RepositoryUrl.normalize(null)).isEmpty();
    assertThat(event("https://h/r", "refs/heads/main", "").matches(" ")).isFalse();
    assertThat(event("https://h/r", "refs/heads/main", "").matches(null)).isFalse();
  }

  @Test
  void tagAndDeletion() {
    assertThat(event("https://h/r", "refs/tags/v1", "abc").isTag()).isTrue();
    assertThat(event("https://h/r", "refs/heads/v1", "abc").isTag()).isFalse();
    assertThat(event("https://h/r", "refs/heads/x", "0".repeat(40)).isDeletion()).isTrue();
    assertThat(event("https://h/r", "refs/heads/x", "").isDeletion()).isFalse();
  }
}
