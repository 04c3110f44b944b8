package dev.gitops4j.k8s.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaderElectionGateTest {

  @Test
  void engineReconcilesOnlyBetweenStartedAndStoppedLeading() throws Exception {
    ManualClock clock = ManualClock.create();
    InMemoryTarget target = InMemoryTarget.create();
    InMemorySource repo = InMemorySource.create("config", clock);
    repo.commit(
        Map.of("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n"));
    try (Engine engine =
        DeterministicEngine.builder(clock, new ManualScheduler(clock))
            .application(
                Application.builder("app")
                    .source(repo)
                    .target(target.target())
                    .policy(SyncPolicy.automatic())
                    .interval(Duration.ofHours(1))
                    .build())
            .build()) {
      LeaderElection.Listener gate = LeaderElection.gate(engine);
      assertThat(engine.trigger("app").get(10, TimeUnit.SECONDS).status())
          .as("not leading yet")
          .isEqualTo(PassStatus.SUSPENDED);
      assertThat(target.writes()).isZero();

      gate.startedLeading();
      assertThat(engine.lastResult("app").orElseThrow().status())
          .as("resuming requests a pass")
          .isEqualTo(PassStatus.SYNCED);
      assertThat(target.writes()).isEqualTo(1);

      gate.stoppedLeading();
      target.edit(
          target.ids().get(0), body -> body.withObjectProperty("data").put("k", "changed by hand"));
      assertThat(engine.trigger("app").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SUSPENDED);
      assertThat(target.writes()).isEqualTo(1);
    }
  }
}
