package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.*;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.SourceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryTest {

  @Test
  void transientFailuresBackOffExponentiallyWithJitterUpToTheCap() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1"));
      h.repo.failWith(
          new SourceException(SourceException.Reason.UNREACHABLE, "connection refused"));
      h.pass();

      List<Long> delays = new ArrayList<>();
      for (int attempt = 0; attempt < 8; attempt++) {
        Duration next = h.timers.pendingDelays().get(0);
        delays.add(next.toMillis());
        h.timers.advance(next);
      }

      // Initial 1 s, doubling, jitter drawn as +25 % by the harness, capped at 8 s.
      assertThat(delays).containsExactly(1250L, 2500L, 5000L, 8000L, 8000L, 8000L, 8000L, 8000L);
      assertThat(h.results.subList(1, h.results.size()))
          .allMatch(r -> r.trigger() == Trigger.RETRY);

      // Recovery resets to the normal interval.
      h.repo.recover();
      h.timers.advance(h.timers.pendingDelays().get(0));
      assertThat(h.results.get(h.results.size() - 1).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.timers.pendingDelays()).contains(Harness.INTERVAL);
    }
  }

  @Test
  void permanentErrorsAreNotRetriedUntilTheRevisionChanges() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(Map.of("a.yaml", "kind: ConfigMap\nmetadata:\n  name: [oops\n"));
      PassResult first = h.pass();
      assertThat(first.status()).isEqualTo(PassStatus.FAILED);
      assertThat(first.retryable()).isFalse();
      assertThat(h.timers.pendingDelays()).containsExactly(Harness.INTERVAL);

      h.timers.advance(Harness.INTERVAL);
      h.timers.advance(Harness.INTERVAL);
      PassResult later = h.results.get(h.results.size() - 1);
      assertThat(later.error()).contains("not retried until the revision changes");
      assertThat(h.source.reads.get()).isEqualTo(1);

      h.repo.commit(files("a", "1"));
      h.timers.advance(Harness.INTERVAL);
      assertThat(h.results.get(h.results.size() - 1).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.source.reads.get()).isEqualTo(2);
    }
  }

  @Test
  void transientTargetFailuresAreRetriedAndConverge() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1"));
      h.target.failOnce(
          step -> true, new dev.gitops4j.model.TargetException("etcd leader changed", true));
      PassResult failed = h.pass();
      assertThat(failed.retryable()).isTrue();

      h.timers.advance(h.timers.pendingDelays().get(0));

      PassResult retried = h.results.get(h.results.size() - 1);
      assertThat(retried.trigger()).isEqualTo(Trigger.RETRY);
      assertThat(retried.status()).isEqualTo(PassStatus.SYNCED);
    }
  }
}
