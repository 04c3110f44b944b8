package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.cm;
import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.test.InMemoryTarget;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Misbehaving user code, removal while busy, restarts and approvals that must not linger. */
class RobustnessTest {

  @Test
  void anErrorThrownByUserCodeNeitherStallsTheApplicationNorTheEngine() throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(files("a", "1"));
    InMemoryTarget memory = InMemoryTarget.create();
    AtomicBoolean explode = new AtomicBoolean(true);
    Target target =
        withRenderer(
            memory,
            snapshot -> {
              if (explode.get()) {
                throw new StackOverflowError("renderer recursed");
              }
              return dev.gitops4j.render.ManifestRenderer.ofDefaults().render(snapshot);
            });
    try (Engine engine =
        Engine.builder()
            .passExecutor(Runnable::run)
            .maxConcurrentPasses(1)
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passStarted(String application, Trigger trigger) {
                    throw new AssertionError("listener bug");
                  }
                })
            .application(Application.builder("shop").source(source).target(target).build())
            .build()) {
      PassResult failed = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error()).contains("renderer recursed");

      explode.set(false);
      PassResult next = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(next.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(memory.ids()).containsExactly(cm("a"));
    }
  }

  @Test
  void unregisterFailsPendingRequestsWaitsForThePassInFlightAndAllowsReRegistering()
      throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(files("a", "1"));
    InMemoryTarget target = InMemoryTarget.create();
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
    Application app = Application.builder("shop").source(source).target(target.target()).build();
    ExecutorService passes = Executors.newFixedThreadPool(2);
    try (Engine engine = Engine.builder().passExecutor(passes).application(app).build()) {
      CompletableFuture<PassResult> first = engine.trigger("shop");
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<PassResult> pending = engine.trigger("shop");

      CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> engine.unregister("shop"));
      assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("no application shop");
      assertThat(removal).isNotDone();
      release.countDown();
      removal.get(30, TimeUnit.SECONDS);
      assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(engine.applications()).isEmpty();

      engine.register(app);
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.IN_SYNC);
      assertThat(target.maxConcurrentApplies()).isEqualTo(1);
    } finally {
      passes.shutdownNow();
    }
  }

  @Test
  void withoutSelfHealARestartDoesNotUndoHandEdits() throws Exception {
    SyncPolicy noSelfHeal = SyncPolicy.custom().selfHeal(false).build();
    try (Harness h = new Harness(noSelfHeal)) {
      h.repo.commit(files("a", "1"));
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      h.target.edit(
          cm("a"), body -> body.withObjectProperty("data").put("value", "edited by hand"));

      h.restart(noSelfHeal);
      h.engine.start();
      h.timers.runDue();

      PassResult afterRestart = h.results.get(h.results.size() - 1);
      assertThat(afterRestart.trigger()).isEqualTo(Trigger.INTERVAL);
      assertThat(afterRestart.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(h.target.get(cm("a")).orElseThrow().at("/data/value").asText())
          .isEqualTo("edited by hand");
    }
  }

  @Test
  void anApprovalOutlivesAPassThatFailsBeforePlanningAndAppliesOnlyToItsPlan() throws Exception {
    try (Harness h = new Harness(SyncPolicy.manualApproval())) {
      h.repo.commit(files("a", "1"));
      String planId = h.pass().planId();
      h.repo.failWith(
          new SourceException(SourceException.Reason.UNREACHABLE, "connection refused"));

      PassResult failed = h.engine.approve(Harness.APP, planId).get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(h.target.writes()).isZero();

      // The next pass computes the very plan that was approved: it is applied, once.
      h.repo.recover();
      PassResult later = h.pass();
      assertThat(later.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(later.planId()).isEqualTo(planId);
      assertThat(h.target.writes()).isEqualTo(1);

      h.repo.commit(files("a", "2"));
      PassResult next = h.pass();
      assertThat(next.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(h.target.writes()).isEqualTo(1);
    }
  }

  @Test
  void aStaleApprovalIsDroppedNotKeptForALaterPlan() throws Exception {
    try (Harness h = new Harness(SyncPolicy.manualApproval())) {
      h.repo.commit(files("a", "1"));
      String first = h.pass().planId();
      h.repo.commit(files("a", "2"));
      PassResult stale = h.engine.approve(Harness.APP, first).get(30, TimeUnit.SECONDS);
      assertThat(stale.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(stale.error()).contains("is stale");

      assertThat(h.state.read(Harness.APP)).doesNotContainValue(first);
      PassResult again = h.pass();
      assertThat(again.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(again.error()).isEmpty();
      assertThat(h.target.writes()).isZero();
    }
  }

  @Test
  void aTargetUnreachableWhileRenderingIsRetriedNotMarkedInvalid() throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(files("a", "1"));
    InMemoryTarget memory = InMemoryTarget.create();
    AtomicBoolean unreachable = new AtomicBoolean(true);
    Target target =
        withRenderer(
            memory,
            snapshot -> {
              if (unreachable.get()) {
                throw new dev.gitops4j.model.TargetException("discovery: connection refused", true);
              }
              return dev.gitops4j.render.ManifestRenderer.ofDefaults().render(snapshot);
            });
    dev.gitops4j.test.ManualClock clock = dev.gitops4j.test.ManualClock.create();
    dev.gitops4j.test.ManualScheduler timers = new dev.gitops4j.test.ManualScheduler(clock);
    try (Engine engine =
        Engine.builder()
            .clock(clock)
            .scheduler(timers)
            .passExecutor(Runnable::run)
            .application(Application.builder("shop").source(source).target(target).build())
            .build()) {
      PassResult failed = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.retryable()).isTrue();
      assertThat(failed.error()).contains("connection refused");

      unreachable.set(false);
      timers.advance(timers.pendingDelays().get(0));

      assertThat(engine.lastResult("shop").orElseThrow().trigger()).isEqualTo(Trigger.RETRY);
      assertThat(engine.lastResult("shop").orElseThrow().status()).isEqualTo(PassStatus.SYNCED);
    }
  }

  @Test
  void aFailingEndpointOpensItsCircuitAndIsNotCalledUntilItHalfOpens() throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(files("a", "1"));
    InMemoryTarget target = InMemoryTarget.create();
    target.failWhen(step -> true, new dev.gitops4j.model.TargetException("etcd timeout", true));
    try (Engine engine =
        Engine.builder()
            .passExecutor(Runnable::run)
            .circuitOpenDuration(java.time.Duration.ofMillis(200))
            .application(Application.builder("shop").source(source).target(target.target()).build())
            .build()) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      for (int pass = 0; pass < 5 && !result.error().contains("circuit breaker open"); pass++) {
        result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      }
      assertThat(result.error()).contains("circuit breaker open for memory");
      int callsSoFar = target.operations().size();
      PassResult stillOpen = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(stillOpen.error()).contains("circuit breaker open");
      assertThat(target.operations()).hasSize(callsSoFar);

      target.clearFailures();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      PassResult recovered = stillOpen;
      while (recovered.status() != PassStatus.SYNCED && System.nanoTime() < deadline) {
        recovered = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      }
      assertThat(recovered.status()).isEqualTo(PassStatus.SYNCED);
    }
  }

  /** The in-memory target with {@code renderer} in place of its own. */
  private static Target withRenderer(InMemoryTarget memory, dev.gitops4j.render.Renderer renderer) {
    return Target.builder("memory")
        .renderer(renderer)
        .sessions(TargetSession.of(memory, dev.gitops4j.diff.StructuralDiffer.ofDefaults(), memory))
        .inventoryStore(memory.inventoryStore())
        .build();
  }
}
