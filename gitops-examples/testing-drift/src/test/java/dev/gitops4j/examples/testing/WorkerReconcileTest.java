package dev.gitops4j.examples.testing;

import static dev.gitops4j.examples.testing.Workers.files;
import static dev.gitops4j.examples.testing.Workers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.test.GitOpsExtension;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift logic inside the engine, against the test kit's in-memory target: a real Git repository
 * ({@link GitRepoFixture}), a target that simulates hand edits, foreign objects and failures
 * ({@link InMemoryTarget}), and time that moves only when the test says so.
 */
@ExtendWith(GitOpsExtension.class)
class WorkerReconcileTest {

  @TempDir Path cache;

  /** The team's target: the in-memory system under the team's drift logic. */
  private static Target workers(InMemoryTarget memory) {
    return WorkerDrift.target("memory", memory, memory, memory.inventoryStore());
  }

  /** What the real registry does after each write: fill defaults, set replicas and status. */
  private static void registryFillsIn(InMemoryTarget memory, String name) {
    memory.edit(
        id(name),
        body -> {
          ObjectNode spec = (ObjectNode) body.get("spec");
          WorkerDrift.DEFAULTS.forEach((field, value) -> spec.put(field, value));
          spec.put("replicas", 1);
          body.putObject("status").put("phase", "Registered");
        });
  }

  @Test
  void aHandEditIsReportedInDetectOnlyAndHealedUnderAutomatic(
      GitRepoFixture repo, InMemoryTarget memory) throws Exception {
    repo.commit("checkout worker", files("checkout", "orders"));
    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      assertThat(sync.pass().status()).isEqualTo(PassStatus.SYNCED);
    }
    memory.edit(id("checkout"), body -> ((ObjectNode) body.get("spec")).put("queue", "debug"));
    memory.clearOperations();

    try (Reconciler detect =
        new Reconciler(repo, cache, workers(memory), SyncPolicy.detectOnly())) {
      PassResult reported = detect.pass();

      assertThat(reported.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      Drift drift = reported.drift().outOfSync().get(0);
      assertThat(drift.id()).isEqualTo(id("checkout"));
      assertThat(drift.changes())
          .extracting(Change::path, c -> c.newValue().asText())
          .containsExactly(tuple("/spec/queue", "orders"));
      assertThat(memory.writes()).isZero();
      assertThat(memory.get(id("checkout")).orElseThrow().at("/spec/queue").asText())
          .isEqualTo("debug");
    }

    try (Reconciler heal = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      heal.pass();
      memory.edit(id("checkout"), body -> ((ObjectNode) body.get("spec")).put("queue", "debug"));

      // Self-heal needs no commit: the next interval pass corrects the edit.
      PassResult healed = heal.advance(Reconciler.INTERVAL);

      assertThat(healed.trigger()).isEqualTo(Trigger.INTERVAL);
      assertThat(healed.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(Optional.ofNullable(healed.plan()).orElseThrow().count(Step.Action.UPDATE))
          .isEqualTo(1);
      assertThat(memory.get(id("checkout")).orElseThrow().at("/spec/queue").asText())
          .isEqualTo("orders");
    }
  }

  @Test
  void theNormalizerSuppressesTheRegistrysDefaultsWhichThePlainDifferReportsAsDrift(
      GitRepoFixture repo, InMemoryTarget memory) throws Exception {
    repo.commit("checkout worker", files("checkout", "orders"));
    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      sync.pass();
      registryFillsIn(memory, "checkout");
      memory.clearOperations();

      PassResult next = sync.advance(Reconciler.INTERVAL);

      assertThat(next.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(memory.writes()).isZero();
    }

    // The same live state under the plain differ (memory.target()): false drift on every pass,
    // and under automatic sync a write on every pass. This is what the normalizer is for.
    try (Reconciler plain = new Reconciler(repo, cache, memory.target(), SyncPolicy.detectOnly())) {
      PassResult next = plain.pass();

      assertThat(next.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(next.drift().outOfSync().get(0).changes())
          .extracting(Change::path)
          .containsExactlyInAnyOrder(
              "/spec/concurrency", "/spec/timeoutSeconds", "/spec/replicas", "/status");
    }
  }

  @Test
  void theAutoscalersReplicasAreNeverReverted(GitRepoFixture repo, InMemoryTarget memory)
      throws Exception {
    repo.commit("checkout worker", files("checkout", "orders"));
    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      sync.pass();
      registryFillsIn(memory, "checkout");
      memory.edit(id("checkout"), body -> ((ObjectNode) body.get("spec")).put("replicas", 7));
      memory.clearOperations();

      // Many interval passes and a commit elsewhere in the repository.
      for (int i = 0; i < 5; i++) {
        assertThat(sync.advance(Reconciler.INTERVAL).status()).isEqualTo(PassStatus.IN_SYNC);
      }
      repo.commit("payments worker", files("payments", "payments"));
      PassResult release = sync.pass();

      assertThat(release.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(memory.operations())
          .filteredOn(InMemoryTarget.Operation::isWrite)
          .extracting(InMemoryTarget.Operation::id)
          .containsExactly(id("payments"));
      assertThat(memory.get(id("checkout")).orElseThrow().at("/spec/replicas").asInt())
          .isEqualTo(7);
    }

    // Without the ignore rule, self-heal would scale the worker back down.
    try (Reconciler plain = new Reconciler(repo, cache, memory.target(), SyncPolicy.automatic())) {
      plain.pass();
      assertThat(memory.get(id("checkout")).orElseThrow().at("/spec/replicas").isMissingNode())
          .isTrue();
    }
  }

  @Test
  void pruneNeverTouchesAForeignWorker(GitRepoFixture repo, InMemoryTarget memory)
      throws Exception {
    repo.commit("two workers", files("checkout", "orders", "payments", "payments"));
    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      sync.pass();
      // A worker someone registered by hand, and one deleted and re-created by hand: neither
      // carries the ownership marker.
      var template = memory.get(id("payments")).orElseThrow();
      memory.putForeign(id("reports"), template);
      memory.deleteOutOfBand(id("payments"));
      memory.putForeign(id("payments"), template);

      repo.delete("payments leaves Git", Workers.path("payments"));
      memory.clearOperations();
      PassResult result = sync.pass();

      // Nothing to write: payments is no longer ours, reports never was.
      assertThat(result.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(Optional.ofNullable(result.plan()).orElseThrow().count(Step.Action.DELETE))
          .isZero();
      assertThat(Optional.ofNullable(result.plan()).orElseThrow().kept())
          .extracting(kept -> kept.id())
          .containsExactly(id("payments"));
      assertThat(memory.writes()).isZero();
      assertThat(memory.ids()).contains(id("checkout"), id("payments"), id("reports"));
    }
  }

  @Test
  void anOwnedWorkerRemovedFromGitIsPruned(GitRepoFixture repo, InMemoryTarget memory)
      throws Exception {
    repo.commit("two workers", files("checkout", "orders", "payments", "payments"));
    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      sync.pass();
      repo.delete("payments leaves Git", Workers.path("payments"));

      PassResult result = sync.pass();

      assertThat(Optional.ofNullable(result.plan()).orElseThrow().count(Step.Action.DELETE))
          .isEqualTo(1);
      assertThat(memory.ids()).containsExactly(id("checkout"));
    }
  }

  @Test
  void aFailedWriteIsRetriedOnTheBackoffSchedule(GitRepoFixture repo, InMemoryTarget memory)
      throws Exception {
    repo.commit("checkout worker", files("checkout", "orders"));
    TargetException busy = new TargetException("registry busy", true);
    memory.failOnce(step -> true, busy);
    memory.failOnce(step -> true, busy);

    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      PassResult first = sync.pass();
      assertThat(first.status()).isEqualTo(PassStatus.FAILED);
      assertThat(first.retryable()).isTrue();
      assertThat(first.error()).contains("registry busy");

      // Backoff from 1 s, doubling, with the jitter fixed at +25 %: 1.25 s, then 2.5 s.
      assertThat(sync.timers.pendingDelays()).containsExactly(Duration.ofMillis(1250));
      assertThat(sync.advance(Duration.ofMillis(1249))).isNull();
      PassResult second = sync.advance(Duration.ofMillis(1));
      assertThat(second.trigger()).isEqualTo(Trigger.RETRY);
      assertThat(second.status()).isEqualTo(PassStatus.FAILED);

      assertThat(sync.timers.pendingDelays()).containsExactly(Duration.ofMillis(2500));
      PassResult third = sync.advance(Duration.ofMillis(2500));
      assertThat(third.trigger()).isEqualTo(Trigger.RETRY);
      assertThat(third.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(Duration.between(first.started(), third.started()))
          .isEqualTo(Duration.ofMillis(3750));

      // Converged: back to the normal interval.
      assertThat(sync.timers.pendingDelays()).containsExactly(Reconciler.INTERVAL);
      assertThat(memory.contains(id("checkout"))).isTrue();
    }
  }

  @Test
  void aPermanentFailureWaitsForANewCommit(GitRepoFixture repo, InMemoryTarget memory)
      throws Exception {
    repo.commit("checkout worker", files("checkout", "orders"));
    memory.failWhen(
        step -> step.id().equals(id("checkout")),
        new TargetException("queue 'orders' does not exist", false));

    try (Reconciler sync = new Reconciler(repo, cache, workers(memory), SyncPolicy.automatic())) {
      PassResult first = sync.pass();

      assertThat(first.retryable()).isFalse();
      assertThat(sync.timers.pendingDelays()).containsExactly(Reconciler.INTERVAL);

      memory.clearFailures();
      repo.commit("fix the queue", Map.of(Workers.path("checkout"), Workers.yaml("checkout", "o")));
      assertThat(sync.advance(Reconciler.INTERVAL).status()).isEqualTo(PassStatus.SYNCED);
    }
  }
}
