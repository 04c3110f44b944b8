package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's state in PostgreSQL, shared by replicas and kept across restarts. */
class PostgresStateStoreIT extends ServerPerClass {

  private static final ResourceId A = ResourceId.of("ConfigMap", "shop", "a");

  private final ManualClock clock = ManualClock.create();
  private final InMemorySource repo = InMemorySource.create("shop-config", clock);
  // The system both replicas manage.
  private final InMemoryTarget shared = InMemoryTarget.create();
  private final InMemoryHistoryStore history = new InMemoryHistoryStore();

  private Engine replica(StateStore state, Fence fence, SyncPolicy policy) {
    return DeterministicEngine.builder(clock, new ManualScheduler(clock))
        .state(state)
        .fence(fence)
        .history(history)
        .application(
            Application.builder("shop").source(repo).target(shared.target()).policy(policy).build())
        .build();
  }

  private static Map<String, String> configMap(String value) {
    return Map.of(
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\ndata:\n"
            + "  value: \""
            + value
            + "\"\n");
  }

  @Test
  void valuesArePutReadAndRemovedAndSeenByEveryInstance() throws Exception {
    PostgresStateStore one = PostgresStateStore.open(data);
    PostgresStateStore two = PostgresStateStore.open(data);
    assertThat(one.read("shop")).isEmpty();
    one.put("shop", "pin", "abc");
    one.put("shop", "suspended", "true");
    two.put("shop", "pin", "abd");
    one.put("billing", "pin", "xyz");
    assertThat(two.read("shop"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("pin", "abd", "suspended", "true"));
    two.remove("shop", "suspended");
    two.remove("shop", "never-set");
    assertThat(one.read("shop")).containsExactlyEntriesOf(Map.of("pin", "abd"));
    assertThat(one.read("billing")).containsExactlyEntriesOf(Map.of("pin", "xyz"));
  }

  @Test
  void anApprovalGivenThroughAStandbyIsTakenByTheLeadersNextPass() throws Exception {
    StateStore state = PostgresStateStore.open(data);
    Fence standby =
        application -> {
          throw new FencedException("lease shop is held by the leader");
        };
    repo.commit(configMap("1"));
    try (Engine leader = replica(state, Fence.NONE, SyncPolicy.manualApproval());
        Engine other =
            replica(PostgresStateStore.open(data), standby, SyncPolicy.manualApproval())) {
      PassResult awaiting = leader.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(awaiting.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);

      // The standby records the approval; its own pass is fenced and leaves it untouched.
      PassResult fenced = other.approve("shop", awaiting.planId()).get(30, TimeUnit.SECONDS);
      assertThat(fenced.status()).isEqualTo(PassStatus.SUSPENDED);
      assertThat(shared.writes()).isZero();

      PassResult applied = leader.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(applied.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(applied.planId()).isEqualTo(awaiting.planId());
      assertThat(shared.contains(A)).isTrue();
      assertThat(state.read("shop")).doesNotContainKey("approval");
    }
  }

  @Test
  void pinsAndSuspensionsOutliveTheProcessThatSetThem() throws Exception {
    String v1 = repo.commit(configMap("1"));
    try (Engine first =
        replica(PostgresStateStore.open(data), Fence.NONE, SyncPolicy.automatic())) {
      first.trigger("shop").get(30, TimeUnit.SECONDS);
      repo.commit(configMap("2"));
      first.trigger("shop").get(30, TimeUnit.SECONDS);
      first.rollback("shop", v1).get(30, TimeUnit.SECONDS);
      first.suspend("shop");
    }
    repo.commit(configMap("3"));
    try (Engine restarted =
        replica(PostgresStateStore.open(data), Fence.NONE, SyncPolicy.automatic())) {
      assertThat(restarted.pinnedRevision("shop")).contains(v1);
      assertThat(restarted.suspended("shop")).isTrue();
      assertThat(restarted.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SUSPENDED);
      restarted.resume("shop");
      PassResult resumed = restarted.lastResult("shop").orElseThrow();
      assertThat(resumed.revision()).isEqualTo(v1);
      assertThat(shared.get(A).orElseThrow().at("/data/value").asText()).isEqualTo("1");
    }
  }
}
