package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobsTest {

  @Test
  void matchesStarAndQuestionMarkAndAnEmptyListMatchesAll() {
    assertThat(Globs.matches("team-*", "team-a")).isTrue();
    assertThat(Globs.matches("team-?", "team-ab")).isFalse();
    assertThat(Globs.matches("apps/*", "apps/Deployment")).isTrue();
    assertThat(Globs.anyMatches(List.of(), "anything")).isTrue();
    assertThat(Globs.anyMatches(List.of("a", "b*"), "c")).isFalse();
  }
}
