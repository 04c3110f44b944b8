package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.cm;
import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.*;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.test.InMemoryTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each invariant of the design, by name, through the engine. */
class InvariantsTest {

  @Test
  void invariant1_noPruneOnBrokenSource() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1", "b", "2"));
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      h.target.clearOperations();

      // A revision that does not decode: nothing is deleted.
      h.repo.commit(Map.of("a.yaml", Harness.configMap("a", "1"), "b.yaml", "kind: [unclosed"));
      PassResult broken = h.pass();
      assertThat(broken.status()).isEqualTo(PassStatus.FAILED);
      assertThat(broken.error()).contains("b.yaml");

      // A revision that declares nothing: pruning everything is refused.
      h.repo.commit(Map.of("README.md", "nothing here"));
      PassResult empty = h.pass();
      assertThat(empty.status()).isEqualTo(PassStatus.FAILED);
      assertThat(empty.error()).contains("declares no resources");

      // An unreachable source: nothing is deleted.
      h.repo.failWith(
          new SourceException(SourceException.Reason.UNREACHABLE, "connection refused"));
      PassResult unreachable = h.pass();
      assertThat(unreachable.status()).isEqualTo(PassStatus.FAILED);
      assertThat(unreachable.retryable()).isTrue();

      assertThat(h.target.writes()).isZero();
      assertThat(h.target.ids()).containsExactlyInAnyOrder(cm("a"), cm("b"));

      // Once the source is healthy again, removing b from Git prunes it.
      h.repo.recover();
      h.repo.commit(files("a", "1"));
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.target.ids()).containsExactly(cm("a"));
    }
  }

  @Test
  void invariant2_validateAllThenApply() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      Map<String, String> revision = new java.util.LinkedHashMap<>(files("a", "1", "b", "2"));
      revision.put("c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\n");
      h.repo.commit(revision);

      PassResult result = h.pass();

      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("c.yaml:").contains("name");
      assertThat(h.target.writes()).isZero();
      assertThat(h.inventory().isEmpty()).isTrue();
    }
  }

  @Test
  void invariant3_crashSafeOwnership() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      // Check the invariant at every write, not only at the end.
      List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
      h.target.duringApply(
          () -> {
            try {
              Inventory inventory = h.inventory();
              h.target.ids().stream()
                  .filter(id -> !inventory.contains(id))
                  .forEach(id -> violations.add(id + " owned outside the inventory"));
            } catch (java.io.IOException e) {
              violations.add(e.toString());
            }
          });

      // The process "crashes" while creating b: a exists, b does not, both are in the inventory.
      h.repo.commit(files("a", "1", "b", "2", "c", "3"));
      h.target.failOnce(
          step -> step.id().equals(cm("b")), new TargetException("process killed", true));
      PassResult crashed = h.pass();
      assertThat(crashed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(h.inventory().resources()).contains(cm("a"), cm("b"));
      h.assertNoOrphans();

      // A new engine converges: nothing orphaned, nothing lost.
      h.restart(SyncPolicy.automatic());
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.target.ids()).containsExactlyInAnyOrder(cm("a"), cm("b"), cm("c"));
      assertThat(h.inventory().resources()).containsExactlyInAnyOrder(cm("a"), cm("b"), cm("c"));

      // A crash while pruning keeps the resource in the inventory until it is gone.
      h.repo.commit(files("a", "1"));
      h.target.failOnce(
          step -> step.action() == Step.Action.DELETE && step.id().equals(cm("c")),
          new TargetException("process killed", true));
      assertThat(h.pass().status()).isEqualTo(PassStatus.FAILED);
      assertThat(h.inventory().contains(cm("c"))).isTrue();
      h.assertNoOrphans();

      h.restart(SyncPolicy.automatic());
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.target.ids()).containsExactly(cm("a"));
      assertThat(h.inventory().resources()).containsExactly(cm("a"));

      // Killed after a delete succeeded but before the inventory was stored: the entry outlives
      // its object. The next pass that writes anything (here: b's create) drops it too.
      h.repo.commit(files("a", "1", "d", "4"));
      h.pass();
      h.repo.commit(files("a", "1", "b", "2"));
      h.target.deleteOutOfBand(cm("d"));
      assertThat(h.inventory().contains(cm("d"))).isTrue();
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.inventory().resources()).containsExactlyInAnyOrder(cm("a"), cm("b"));
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void invariant4_onlyOwnedObjectsArePruned() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1", "old", "x"));
      h.pass();
      // A foreign object that is not in the inventory, and one in the inventory without marker.
      h.target.putForeign(cm("foreign"), h.target.get(cm("a")).orElseThrow());
      h.target.putForeign(cm("unmarked"), h.target.get(cm("a")).orElseThrow());
      h.target.inventoryStore().save(Harness.APP, h.inventory().plus(List.of(cm("unmarked"))));

      h.repo.commit(files("a", "1"));
      PassResult result = h.pass();

      assertThat(result.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.target.ids()).containsExactlyInAnyOrder(cm("a"), cm("foreign"), cm("unmarked"));
      assertThat(result.plan().kept()).extracting(k -> k.id()).contains(cm("unmarked"));
    }
  }

  @Test
  void invariant5_idempotent() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1", "b", "2"));
      assertThat(h.pass().writes()).isEqualTo(2);
      h.target.clearOperations();

      PassResult second = h.pass();

      assertThat(second.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(h.target.writes()).isZero();
      assertThat(h.target.operations()).allMatch(op -> op.action() == null);
    }
  }

  @Test
  void invariant6_secretsNeverLeak() throws Exception {
    String plain = "hunter2-very-secret";
    String encoded = java.util.Base64.getEncoder().encodeToString(plain.getBytes());
    String rotated = java.util.Base64.getEncoder().encodeToString("rotated-secret-42".getBytes());
    try (Harness h = new Harness(SyncPolicy.manualApproval())) {
      h.repo.commit(Map.of("secret.yaml", secret(encoded)));
      PassResult waiting = h.pass();
      h.engine.approve(Harness.APP, waiting.planId()).get(30, TimeUnit.SECONDS);
      h.repo.commit(Map.of("secret.yaml", secret(rotated)));
      PassResult rotation = h.pass();
      h.engine.approve(Harness.APP, rotation.planId()).get(30, TimeUnit.SECONDS);

      String everything = h.history.list(Harness.APP, 100).toString() + h.approvals + h.results;
      assertThat(h.approvals).isNotEmpty();
      assertThat(h.history.list(Harness.APP, 100)).isNotEmpty();
      for (String secret : List.of(plain, encoded, rotated, "rotated-secret-42")) {
        assertThat(everything).doesNotContain(secret);
      }
    }
  }

  private static String secret(String value) {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ndata:\n  password: "
        + value
        + "\n";
  }

  @Test
  void invariant7_everythingBounded() throws Exception {
    // A pass stuck in the target is interrupted after the pass timeout.
    ManualScheduledHarness timed = new ManualScheduledHarness();
    try (timed) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch never = new CountDownLatch(1);
      timed.target.duringApply(
          () -> {
            entered.countDown();
            try {
              never.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted by the pass timeout");
            }
          });
      timed.repo.commit(files("a", "1"));
      Future<PassResult> pass = timed.engine.trigger(Harness.APP);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      timed.timers.advance(Duration.ofMinutes(1));

      PassResult result = pass.get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("interrupted by the pass timeout");
    }
  }

  @Test
  void invariant7_passTimeoutAlsoBoundsParallelSteps() throws Exception {
    ManualScheduledHarness timed = new ManualScheduledHarness();
    try (timed) {
      CountDownLatch bothInside = new CountDownLatch(2);
      CountDownLatch never = new CountDownLatch(1);
      timed.target.duringApply(
          () -> {
            bothInside.countDown();
            try {
              never.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("step interrupted by the pass timeout");
            }
          });
      timed.repo.commit(files("a", "1", "b", "2"));
      Future<PassResult> pass = timed.engine.trigger(Harness.APP);
      assertThat(bothInside.await(30, TimeUnit.SECONDS)).isTrue();
      timed.timers.advance(Duration.ofMinutes(1));

      PassResult result = pass.get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.results()).hasSize(2).allMatch(r -> r.failed());
      assertThat(result.error()).contains("step interrupted by the pass timeout");
      assertThat(timed.inventory().resources()).containsExactlyInAnyOrder(cm("a"), cm("b"));
    }
  }

  @Test
  void anApplicationsOwnPassTimeoutOverridesTheEngines() throws Exception {
    try (ManualScheduledHarness timed = new ManualScheduledHarness(Duration.ofMinutes(5))) {
      java.util.concurrent.Semaphore inside = new java.util.concurrent.Semaphore(0);
      CountDownLatch release = new CountDownLatch(1);
      timed.target.duringApply(
          () -> {
            inside.release();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("step interrupted by the pass timeout");
            }
          });

      // Past the engine's 30 s but within the application's 5 minutes: the step may finish.
      timed.repo.commit(files("a", "1"));
      Future<PassResult> first = timed.engine.trigger(Harness.APP);
      assertThat(inside.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      timed.timers.advance(Duration.ofMinutes(1));
      release.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(PassStatus.SYNCED);

      // Past the application's 5 minutes: interrupted.
      timed.target.duringApply(
          () -> {
            inside.release();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("step interrupted by the pass timeout");
            }
          });
      timed.repo.commit(files("a", "2"));
      Future<PassResult> second = timed.engine.trigger(Harness.APP);
      assertThat(inside.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      timed.timers.advance(Duration.ofMinutes(5));
      PassResult result = second.get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("step interrupted by the pass timeout");
    }
  }

  /** An engine with a real pass thread and manual timers, for the pass timeout. */
  private static final class ManualScheduledHarness implements AutoCloseable {
    final dev.gitops4j.test.ManualClock clock = dev.gitops4j.test.ManualClock.create();
    final dev.gitops4j.test.ManualScheduler timers = new dev.gitops4j.test.ManualScheduler(clock);
    final InMemoryTarget target = InMemoryTarget.create();
    final dev.gitops4j.source.InMemorySource repo = dev.gitops4j.source.InMemorySource.create();
    final ExecutorService passes = Executors.newSingleThreadExecutor();

    Inventory inventory() throws java.io.IOException {
      return target.inventoryStore().load(Harness.APP);
    }

    final Engine engine;

    ManualScheduledHarness() {
      this(null);
    }

    ManualScheduledHarness(Duration applicationPassTimeout) {
      engine =
          Engine.builder()
              .clock(clock)
              .scheduler(timers)
              .passExecutor(passes)
              .passTimeout(Duration.ofSeconds(30))
              .stepParallelism(2)
              .shutdownGrace(Duration.ofSeconds(5))
              .application(
                  Application.builder(Harness.APP)
                      .source(repo)
                      .target(target.target())
                      .passTimeout(applicationPassTimeout)
                      .build())
              .build();
    }

    @Override
    public void close() {
      engine.close();
      passes.shutdownNow();
    }
  }
}
