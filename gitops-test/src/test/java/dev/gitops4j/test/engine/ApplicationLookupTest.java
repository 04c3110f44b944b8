package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.SyncPolicy;
import org.junit.jupiter.api.Test;

/** {@code Engine.application(name)}: the registered application itself, or empty. */
class ApplicationLookupTest {

  @Test
  void findsRegisteredApplicationsOnly() {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      Application shop = h.engine.application(Harness.APP).orElseThrow();
      assertThat(shop.name()).isEqualTo(Harness.APP);
      assertThat(shop.source()).isSameAs(h.source);
      assertThat(shop.target().unifiedDiff()).isNotNull();
      assertThat(h.engine.application("nope")).isEmpty();

      h.engine.unregister(Harness.APP);

      assertThat(h.engine.application(Harness.APP)).isEmpty();
    }
  }
}
