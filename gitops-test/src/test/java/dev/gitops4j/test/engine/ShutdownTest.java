package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.cm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InMemoryTarget;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  private static Engine engine(
      InMemorySource source, InMemoryTarget target, ExecutorService passes) {
    return Engine.builder()
        .passExecutor(passes)
        .stepParallelism(1)
        .shutdownGrace(Duration.ofSeconds(30))
        .application(
            Application.builder(Harness.APP).source(source).target(target.target()).build())
        .build();
  }

  @Test
  void closeFinishesTheStepInFlightSkipsTheRestAndLeavesNoOrphan() throws Exception {
    InMemorySource source = InMemorySource.create();
    InMemoryTarget target = InMemoryTarget.create();
    source.commit(Harness.files("a", "1", "b", "2", "c", "3"));
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    target.duringApply(
        () -> {
          inside.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    ExecutorService passes = Executors.newSingleThreadExecutor();
    try {
      Engine engine = engine(source, target, passes);
      CompletableFuture<PassResult> first = engine.trigger(Harness.APP);
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<PassResult> queued = engine.trigger(Harness.APP);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
      // The queued request is dropped as soon as the engine starts closing.
      assertThatThrownBy(() -> queued.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("engine is closed");
      release.countDown();
      closing.get(30, TimeUnit.SECONDS);

      PassResult result = first.get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("cancelled");
      assertThat(result.results())
          .extracting(StepResult::outcome)
          .containsExactly(
              StepResult.Outcome.APPLIED, StepResult.Outcome.SKIPPED, StepResult.Outcome.SKIPPED);
      assertThat(target.ids()).hasSize(1);
      assertThat(target.inventoryStore().load(Harness.APP).resources())
          .containsExactlyInAnyOrder(cm("a"), cm("b"), cm("c"));
      assertThatThrownBy(() -> engine.trigger(Harness.APP).get(5, TimeUnit.SECONDS))
          .hasMessageContaining("engine is closed");

      // A new engine converges from where the old one stopped.
      try (Engine next = engine(source, target, passes)) {
        assertThat(next.trigger(Harness.APP).get(30, TimeUnit.SECONDS).status())
            .isEqualTo(PassStatus.SYNCED);
      }
      assertThat(target.ids()).containsExactlyInAnyOrder(cm("a"), cm("b"), cm("c"));
    } finally {
      passes.shutdownNow();
    }
  }
}
