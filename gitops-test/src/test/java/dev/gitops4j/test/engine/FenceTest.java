package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A replica that lost its lease stops writing: before the first write, between waves, in history.
 */
class FenceTest {

  private final ManualClock clock = ManualClock.create();
  private final InMemoryTarget memory = InMemoryTarget.create();
  private final InMemorySource repo = InMemorySource.create("shop-config", clock);
  private final InMemoryHistoryStore history = new InMemoryHistoryStore();

  /** Lets the first {@code allowed} checks through, then refuses every later one. */
  private static final class LeaseLostAfter implements Fence {
    final AtomicInteger checks = new AtomicInteger();
    final int allowed;

    LeaseLostAfter(int allowed) {
      this.allowed = allowed;
    }

    @Override
    public void check(String application) {
      if (checks.incrementAndGet() > allowed) {
        throw new FencedException("lease gitops4j/" + application + " is held by replica-2");
      }
    }
  }

  private Engine engine(Fence fence) {
    Target target =
        Target.builder("memory")
            .renderer(ManifestRenderer.ofDefaults())
            .sessions(TargetSession.of(memory, StructuralDiffer.ofDefaults(), memory))
            .inventoryStore(memory.inventoryStore())
            .waveField("/metadata/annotations/wave")
            .build();
    return DeterministicEngine.builder(clock, new ManualScheduler(clock))
        .history(history)
        .fence(fence)
        .application(Application.builder("shop").source(repo).target(target).build())
        .build();
  }

  private static String configMap(String name, int wave) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\n  annotations:\n    wave: \""
        + wave
        + "\"\ndata:\n  value: \"1\"\n";
  }

  private void commitTwoWaves() {
    repo.commit(Map.of("first.yaml", configMap("first", 1), "second.yaml", configMap("second", 2)));
  }

  @Test
  void aReplicaWithoutTheLeaseNeitherReadsNorWritesNorRecords() throws Exception {
    commitTwoWaves();
    try (Engine engine = engine(new LeaseLostAfter(0))) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.SUSPENDED);
      assertThat(result.error()).isEqualTo("lease gitops4j/shop is held by replica-2");
      assertThat(result.revision()).as("the source was not even resolved").isEmpty();
    }
    assertThat(memory.writes()).isZero();
    assertThat(memory.inventoryStore().load("shop").resources()).isEmpty();
    assertThat(history.list("shop", 10)).isEmpty();
  }

  @Test
  void aLeaseLostAfterThePassStartedStopsBeforeTheFirstWrite() throws Exception {
    commitTwoWaves();
    try (Engine engine = engine(new LeaseLostAfter(1))) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).isEqualTo("not writing: lease gitops4j/shop is held by replica-2");
      assertThat(result.retryable()).isTrue();
    }
    assertThat(memory.writes()).isZero();
    assertThat(memory.inventoryStore().load("shop").resources()).isEmpty();
    assertThat(history.list("shop", 10)).isEmpty();
  }

  @Test
  void aLeaseLostBetweenWavesStopsBeforeTheNextWave() throws Exception {
    commitTwoWaves();
    // Checks: pass start, first write, wave 1; the fourth (wave 2) is refused.
    LeaseLostAfter fence = new LeaseLostAfter(3);
    try (Engine engine = engine(fence)) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("held by replica-2");
      assertThat(result.writes()).isEqualTo(1);
    }
    assertThat(memory.contains(ResourceId.of("ConfigMap", "shop", "first"))).isTrue();
    assertThat(memory.contains(ResourceId.of("ConfigMap", "shop", "second"))).isFalse();
    // The second wave's create never reached the inventory either.
    assertThat(memory.inventoryStore().load("shop").resources())
        .containsExactly(ResourceId.of("ConfigMap", "shop", "first"));
    assertThat(history.list("shop", 10)).isEmpty();
  }

  @Test
  void withTheLeaseHeldEveryWaveRunsAndThePassIsRecorded() throws Exception {
    commitTwoWaves();
    LeaseLostAfter fence = new LeaseLostAfter(Integer.MAX_VALUE);
    try (Engine engine = engine(fence)) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(result.writes()).isEqualTo(2);
    }
    // Pass start, first write, each of the two waves, the history append.
    assertThat(fence.checks).hasValue(5);
    assertThat(history.list("shop", 10)).hasSize(1);
  }
}
