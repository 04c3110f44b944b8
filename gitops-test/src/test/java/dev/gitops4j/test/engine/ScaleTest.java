package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.*;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InMemoryTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScaleTest {

  private static final int APPS = 200;
  private static final int MAX_PASSES = 8;

  @Test
  void twoHundredApplicationsShareOneEngineWithoutOverlappingPasses() throws Exception {
    Map<String, InMemoryTarget> targets = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> overlaps = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    ExecutorService shared = Executors.newFixedThreadPool(16);
    ExecutorService triggers = Executors.newFixedThreadPool(4);

    Engine.Builder builder =
        Engine.builder()
            .passExecutor(shared)
            .maxConcurrentPasses(MAX_PASSES)
            .stepParallelism(1)
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passStarted(String application, Trigger trigger) {
                    if (inFlight.get(application).incrementAndGet() > 1) {
                      overlaps.get(application).incrementAndGet();
                    }
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                  }

                  @Override
                  public void passFinished(PassResult result) {
                    running.decrementAndGet();
                    inFlight.get(result.application()).decrementAndGet();
                  }
                });
    for (int i = 0; i < APPS; i++) {
      String name = "app-" + i;
      InMemoryTarget target = InMemoryTarget.create();
      target.duringApply(Thread::yield);
      InMemorySource source = InMemorySource.create();
      source.commit(Harness.files("a", name, "b", name));
      targets.put(name, target);
      inFlight.put(name, new AtomicInteger());
      overlaps.put(name, new AtomicInteger());
      builder.application(
          Application.builder(name)
              .source(source)
              .target(target.target())
              .interval(Duration.ofHours(1))
              .build());
    }

    try (Engine engine = builder.build()) {
      List<CompletableFuture<PassResult>> passes = new ArrayList<>();
      List<CompletableFuture<Void>> submitted = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < APPS; i++) {
          String name = "app-" + i;
          submitted.add(
              CompletableFuture.runAsync(
                  () -> {
                    synchronized (passes) {
                      passes.add(engine.trigger(name));
                    }
                  },
                  triggers));
        }
      }
      CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
      CompletableFuture.allOf(passes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

      for (String name : targets.keySet()) {
        InMemoryTarget target = targets.get(name);
        assertThat(target.ids()).as(name).hasSize(2);
        assertThat(target.maxConcurrentApplies()).as("concurrent writes in %s", name).isEqualTo(1);
        assertThat(overlaps.get(name).get()).as("overlapping passes of %s", name).isZero();
        assertThat(target.writes()).as("writes to %s", name).isEqualTo(2);
      }
      assertThat(maxRunning.get()).isBetween(1, MAX_PASSES);
      assertThat(passes).allMatch(p -> !p.join().failed());
    } finally {
      shared.shutdownNow();
      triggers.shutdownNow();
    }
  }
}
