package dev.gitops4j.notify;

import static dev.gitops4j.notify.Fixtures.configMap;
import static dev.gitops4j.notify.Fixtures.secret;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.notify.internal.Payloads;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InMemoryTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pass events of a real engine on the in-memory target, as notifications. */
class PassEventsTest {

  private final Recorder recorder = new Recorder();

  private Notifications notifications() {
    return Notifications.builder()
        .notifier(recorder)
        .retry(1, Duration.ofMillis(10), Duration.ofMillis(10))
        .build();
  }

  @Test
  void aSyncIsReportedAsStartedThenSucceededWithTriggerRevisionAuthorAndChanges() throws Exception {
    InMemorySource source = InMemorySource.create();
    String revision =
        source.commit(
            Map.of("a.yaml", configMap("a", "1"), "b.yaml", configMap("b", "1")), "add a and b");
    try (Notifications n = notifications();
        Engine engine =
            Fixtures.engine(source, InMemoryTarget.create(), SyncPolicy.automatic(), n)) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(recorder.events()).containsExactly(Event.SYNC_STARTED, Event.SYNC_SUCCEEDED);
    Notification started = recorder.received.get(0);
    assertThat(started.revision()).isEqualTo(revision);
    assertThat(started.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(started.drift().missing()).isEqualTo(2);
    Notification done = recorder.received.get(1);
    assertThat(done.revision()).isEqualTo(revision);
    assertThat(done.author()).isEqualTo("gitops4j <gitops4j@localhost>");
    assertThat(done.subject()).isEqualTo("add a and b");
    assertThat(done.changes().created()).isEqualTo(2);
    assertThat(done.changes().summary()).isEqualTo("2 to create, 0 to update, 0 to delete");
    assertThat(done.health().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(done.headline())
        .isEqualTo(
            "shop: sync succeeded at "
                + revision.substring(0, 12)
                + " (2 to create, 0 to update, 0 to delete)");
  }

  @Test
  void theSyncStartIsDeliveredBeforeTheFirstWriteWithThePlan() throws Exception {
    InMemorySource source = InMemorySource.create();
    String revision = source.commit(Map.of("a.yaml", configMap("a", "1")));
    InMemoryTarget target = InMemoryTarget.create();
    List<Long> writesWhenDelivered = new CopyOnWriteArrayList<>();
    CountDownLatch startDelivered = new CountDownLatch(1);
    Notifier watching =
        new Notifier() {
          @Override
          public void send(Notification n) {
            if (n.event() == Event.SYNC_STARTED) {
              writesWhenDelivered.add(target.writes());
              recorder.send(n);
              startDelivered.countDown();
            }
          }

          @Override
          public String name() {
            return "watching";
          }
        };
    // Listeners run in registration order on the pass thread: this one holds the pass after
    // Notifications queued the start, until the delivery thread sent it.
    ReconcileListener holdUntilDelivered =
        new ReconcileListener() {
          @Override
          public void syncStarting(String application, String rev, Plan plan) {
            try {
              assertThat(startDelivered.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try (Notifications n = Notifications.builder().notifier(watching).build();
        Engine engine =
            Engine.builder()
                .application(
                    Application.builder("shop")
                        .source(source)
                        .target(target.target())
                        .policy(SyncPolicy.automatic())
                        .interval(Duration.ofHours(1))
                        .build())
                .listener(n)
                .listener(holdUntilDelivered)
                .build()) {
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
    }
    assertThat(writesWhenDelivered).containsExactly(0L);
    assertThat(target.writes()).isEqualTo(1);
    Notification started = recorder.received.get(0);
    assertThat(started.revision()).isEqualTo(revision);
    assertThat(started.changes().summary()).isEqualTo("1 to create, 0 to update, 0 to delete");
    assertThat(started.drift().missing()).isEqualTo(1);
  }

  @Test
  void everySelfHealIsReportedAndADryRunStartsNoSync() throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(Map.of("a.yaml", configMap("a", "1")));
    InMemoryTarget target = InMemoryTarget.create();
    ResourceId a = ResourceId.of("ConfigMap", "shop", "a");
    try (Notifications n = notifications();
        Engine engine = Fixtures.engine(source, target, SyncPolicy.automatic(), n)) {
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.IN_SYNC);
      for (String edit : List.of("hand edit", "another hand edit")) {
        target.edit(a, body -> ((ObjectNode) body.get("data")).put("value", edit));
        assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
            .isEqualTo(PassStatus.SYNCED);
      }
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(recorder.events())
        .containsExactly(
            Event.SYNC_STARTED, Event.SYNC_SUCCEEDED,
            Event.SYNC_STARTED, Event.SYNC_SUCCEEDED,
            Event.SYNC_STARTED, Event.SYNC_SUCCEEDED);
    assertThat(recorder.received.get(2).drift().resources())
        .containsExactly("modified ConfigMap shop/a: replace /data/value");
    assertThat(recorder.received.get(3).changes().updated()).isEqualTo(1);

    Recorder dry = new Recorder();
    InMemorySource other = InMemorySource.create();
    other.commit(Map.of("a.yaml", configMap("a", "1")));
    try (Notifications n = Notifications.builder().notifier(dry).build();
        Engine engine =
            Fixtures.engine(
                other, InMemoryTarget.create(), SyncPolicy.custom().dryRun(true).build(), n)) {
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.DRY_RUN);
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(dry.events()).doesNotContain(Event.SYNC_STARTED, Event.SYNC_SUCCEEDED);
  }

  @Test
  void theSameFailureOnEveryRetryIsSentOnceUntilItRecovers() throws Exception {
    InMemorySource source = InMemorySource.create();
    String bad = source.commit(Map.of("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n"));
    try (Notifications n = notifications();
        Engine engine =
            Fixtures.engine(source, InMemoryTarget.create(), SyncPolicy.automatic(), n)) {
      for (int i = 0; i < 3; i++) {
        assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
            .isEqualTo(PassStatus.FAILED);
      }
      source.commit(Map.of("a.yaml", configMap("a", "1")));
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(n.duplicates()).isEqualTo(2);
    }
    assertThat(recorder.events())
        .containsExactly(Event.SYNC_FAILED, Event.SYNC_STARTED, Event.SYNC_SUCCEEDED);
    Notification failed = recorder.received.get(0);
    assertThat(failed.revision()).isEqualTo(bad);
    assertThat(failed.error()).contains("a.yaml");
    assertThat(failed.retryable()).isFalse();
  }

  @Test
  void driftUnderDetectOnlyIsReportedWithResourcesButNoValues() throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(Map.of("a.yaml", configMap("a", "1"), "s.yaml", secret("s", "hunter2")));
    try (Notifications n = notifications();
        Engine engine =
            Fixtures.engine(source, InMemoryTarget.create(), SyncPolicy.detectOnly(), n)) {
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    // Missing resources are also a health problem, reported once.
    assertThat(recorder.events()).containsExactly(Event.DRIFT_FOUND, Event.HEALTH_DEGRADED);
    assertThat(recorder.received.get(1).health().status()).isEqualTo(HealthStatus.MISSING);
    Notification drift = recorder.received.get(0);
    assertThat(drift.drift().missing()).isEqualTo(2);
    assertThat(drift.drift().resources())
        .containsExactly("missing ConfigMap shop/a", "missing Secret shop/s");
    assertThat(Payloads.webhook(drift).toString()).doesNotContain("hunter2");
    assertThat(Payloads.slack(drift).toString()).doesNotContain("hunter2");
  }

  @Test
  void anApprovalCarriesThePlanIdAndTheRedactedDiff() throws Exception {
    InMemorySource source = InMemorySource.create();
    source.commit(Map.of("a.yaml", configMap("a", "1"), "s.yaml", secret("s", "hunter2")));
    PassResult result;
    try (Notifications n = notifications();
        Engine engine =
            Fixtures.engine(source, InMemoryTarget.create(), SyncPolicy.manualApproval(), n)) {
      result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(recorder.events()).containsExactly(Event.APPROVAL_NEEDED, Event.HEALTH_DEGRADED);
    Notification approval = recorder.received.get(0);
    assertThat(approval.planId()).isEqualTo(result.planId()).isNotEmpty();
    assertThat(approval.changes().created()).isEqualTo(2);
    assertThat(approval.diff()).contains("ConfigMap").doesNotContain("hunter2");
    assertThat(Payloads.webhook(approval).toString()).doesNotContain("hunter2");
  }

  @Test
  void healthChangesAreSentWithThePassRevisionOnlyOnDegradationAndRecovery() {
    Recorder direct = new Recorder();
    List<Notification> sent = direct.received;
    try (Notifications n = Notifications.builder().notifier(direct).build()) {
      pass(n, HealthStatus.HEALTHY, HealthStatus.PROGRESSING, "r1");
      pass(n, HealthStatus.PROGRESSING, HealthStatus.DEGRADED, "r2");
      pass(n, HealthStatus.DEGRADED, HealthStatus.MISSING, "r2");
      pass(n, HealthStatus.MISSING, HealthStatus.HEALTHY, "r3");
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    List<Notification> health =
        sent.stream().filter(x -> x.event() != Event.SYNC_SUCCEEDED).toList();
    assertThat(health)
        .extracting(Notification::event)
        .containsExactly(Event.HEALTH_DEGRADED, Event.HEALTH_RECOVERED);
    assertThat(health).extracting(Notification::revision).containsExactly("r2", "r3");
    assertThat(health.get(0).health().status()).isEqualTo(HealthStatus.DEGRADED);
  }

  private static void pass(Notifications n, HealthStatus from, HealthStatus to, String revision) {
    n.passStarted("shop", Trigger.INTERVAL);
    n.healthChanged("shop", Health.of(from, ""), Health.of(to, "replicas"));
    n.passFinished(
        new PassResult(
            "shop",
            Trigger.INTERVAL,
            PassStatus.IN_SYNC,
            revision,
            null,
            null,
            null,
            "",
            List.of(),
            Health.of(to, "replicas"),
            "",
            false,
            Instant.EPOCH,
            Duration.ZERO));
  }
}
