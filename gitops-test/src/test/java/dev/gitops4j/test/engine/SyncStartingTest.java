package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.cm;
import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.SyncWindow;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ReconcileListener#syncStarting}: once per pass that writes, before its first step, with
 * the revision and the plan; never for a pass that writes nothing or is held back.
 */
class SyncStartingTest {

  private final ManualClock clock = ManualClock.create();
  private final InMemorySource shopRepo = InMemorySource.create("shop-config", clock);
  private final InMemorySource infraRepo = InMemorySource.create("infra-config", clock);
  private final InMemoryTarget shop = InMemoryTarget.create();
  private final InMemoryTarget infra = InMemoryTarget.create();

  /** What the listener heard, in order, for every application. */
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private final ReconcileListener recording =
      new ReconcileListener() {
        @Override
        public void passStarted(String application, Trigger trigger) {
          calls.add(application + " passStarted");
        }

        @Override
        public void syncStarting(String application, String revision, Plan plan) {
          calls.add(
              application
                  + " syncStarting "
                  + revision
                  + " ("
                  + plan.summary()
                  + ") after "
                  + shop.writes()
                  + " writes");
        }

        @Override
        public void changeApplied(String application, StepResult result) {
          calls.add(application + " changeApplied " + result.step().id());
        }

        @Override
        public void changeFailed(String application, StepResult result) {
          calls.add(application + " changeFailed " + result.step().id());
        }

        @Override
        public void passFinished(PassResult result) {
          calls.add(result.application() + " passFinished " + result.status());
        }
      };

  private Engine engine(Application... applications) {
    Engine.Builder builder =
        DeterministicEngine.builder(clock, new ManualScheduler(clock)).listener(recording);
    for (Application application : applications) {
      builder.application(application);
    }
    return builder.build();
  }

  private Application shopApp(SyncPolicy policy, SyncWindow... windows) {
    Application.Builder app =
        Application.builder("shop")
            .source(shopRepo)
            .target(shop.target())
            .policy(policy)
            .interval(Duration.ofHours(1));
    for (SyncWindow window : windows) {
      app.syncWindow(window);
    }
    return app.build();
  }

  private List<String> syncStarts() {
    return calls.stream().filter(c -> c.contains(" syncStarting ")).toList();
  }

  private static PassResult pass(Engine engine) throws Exception {
    return engine.trigger("shop").get(30, TimeUnit.SECONDS);
  }

  @Test
  void aWritingPassAnnouncesItsSyncOnceBeforeItsFirstStep() throws Exception {
    String revision = shopRepo.commit(files("a", "1", "b", "1"));
    try (Engine engine = engine(shopApp(SyncPolicy.automatic()))) {
      PassResult synced = pass(engine);
      assertThat(synced.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(calls).hasSize(5);
      assertThat(calls.subList(0, 2))
          .containsExactly(
              "shop passStarted",
              "shop syncStarting "
                  + revision
                  + " (2 to create, 0 to update, 0 to delete) after 0 writes");
      // Steps of one wave may run in any order.
      assertThat(calls.subList(2, 4))
          .containsExactlyInAnyOrder(
              "shop changeApplied " + cm("a"), "shop changeApplied " + cm("b"));
      assertThat(calls.get(4)).isEqualTo("shop passFinished SYNCED");

      // In sync: nothing to write, nothing announced.
      calls.clear();
      assertThat(pass(engine).status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(calls).containsExactly("shop passStarted", "shop passFinished IN_SYNC");

      // A hand edit corrected: a writing pass again, announced again.
      shop.edit(cm("a"), body -> body.withObjectProperty("data").put("value", "edited"));
      long writesBefore = shop.writes();
      calls.clear();
      assertThat(pass(engine).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(calls)
          .containsExactly(
              "shop passStarted",
              "shop syncStarting "
                  + revision
                  + " (0 to create, 1 to update, 0 to delete) after "
                  + writesBefore
                  + " writes",
              "shop changeApplied " + cm("a"),
              "shop passFinished SYNCED");
    }
  }

  @Test
  void aPassWhoseStepFailsHadAnnouncedItsSyncButABrokenRevisionDoesNot() throws Exception {
    shopRepo.commit(files("a", "1"));
    shop.failWhen(step -> true, new TargetException("target says no", false));
    try (Engine engine = engine(shopApp(SyncPolicy.automatic()))) {
      assertThat(pass(engine).status()).isEqualTo(PassStatus.FAILED);
      assertThat(syncStarts()).hasSize(1);
      assertThat(calls.indexOf(syncStarts().get(0)))
          .isLessThan(calls.indexOf("shop changeFailed " + cm("a")));

      calls.clear();
      shopRepo.commit(Map.of("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n"));
      assertThat(pass(engine).status()).isEqualTo(PassStatus.FAILED);
      assertThat(calls).containsExactly("shop passStarted", "shop passFinished FAILED");
    }
  }

  @Test
  void noSyncIsAnnouncedForADryRunOrDetectOnly() throws Exception {
    shopRepo.commit(files("a", "1"));
    try (Engine engine = engine(shopApp(SyncPolicy.custom().dryRun(true).build()))) {
      assertThat(pass(engine).status()).isEqualTo(PassStatus.DRY_RUN);
    }
    try (Engine engine = engine(shopApp(SyncPolicy.detectOnly()))) {
      assertThat(pass(engine).status()).isEqualTo(PassStatus.OUT_OF_SYNC);
    }
    assertThat(calls).contains("shop passFinished DRY_RUN", "shop passFinished OUT_OF_SYNC");
    assertThat(syncStarts()).isEmpty();
    assertThat(shop.writes()).isZero();
  }

  @Test
  void noSyncIsAnnouncedWhileAWindowIsClosedOnlyOnceItOpens() throws Exception {
    // The clock starts at 2030-01-01T00:00Z: 01:00 in Berlin, inside the nightly deny window.
    SyncWindow night =
        SyncWindow.deny("0 0 * * *", Duration.ofHours(6), ZoneId.of("Europe/Berlin"));
    String revision = shopRepo.commit(files("a", "1"));
    try (Engine engine = engine(shopApp(SyncPolicy.automatic(), night))) {
      assertThat(pass(engine).status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(syncStarts()).isEmpty();

      clock.advance(Duration.ofHours(5));
      assertThat(pass(engine).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(syncStarts())
          .containsExactly(
              "shop syncStarting "
                  + revision
                  + " (1 to create, 0 to update, 0 to delete) after 0 writes");
    }
  }

  @Test
  void noSyncIsAnnouncedWhileAPlanAwaitsApprovalOnlyWhenTheApprovedPlanRuns() throws Exception {
    String revision = shopRepo.commit(files("a", "1"));
    try (Engine engine = engine(shopApp(SyncPolicy.manualApproval()))) {
      PassResult waiting = pass(engine);
      assertThat(waiting.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(pass(engine).status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(syncStarts()).isEmpty();

      PassResult applied = engine.approve("shop", waiting.planId()).get(30, TimeUnit.SECONDS);
      assertThat(applied.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(syncStarts())
          .containsExactly(
              "shop syncStarting "
                  + revision
                  + " (1 to create, 0 to update, 0 to delete) after 0 writes");
    }
  }

  @Test
  void noSyncIsAnnouncedWhileADependencyIsNotReady() throws Exception {
    infraRepo.commit(
        Map.of(
            "ingress.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress\n  namespace: infra\n"));
    shopRepo.commit(files("a", "1"));
    // Detect-only, the dependency never syncs: its dependent waits.
    Application infraApp =
        Application.builder("infra")
            .source(infraRepo)
            .target(infra.target())
            .policy(SyncPolicy.detectOnly())
            .interval(Duration.ofHours(1))
            .build();
    Application shopApp =
        Application.builder("shop")
            .source(shopRepo)
            .target(shop.target())
            .interval(Duration.ofHours(1))
            .dependsOn("infra")
            .build();
    try (Engine engine = engine(infraApp, shopApp)) {
      assertThat(pass(engine).status()).isEqualTo(PassStatus.WAITING);
      assertThat(engine.trigger("infra").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(pass(engine).status()).isEqualTo(PassStatus.WAITING);
    }
    assertThat(calls).contains("shop passFinished WAITING", "infra passFinished OUT_OF_SYNC");
    assertThat(syncStarts()).isEmpty();
    assertThat(shop.writes()).isZero();
  }
}
