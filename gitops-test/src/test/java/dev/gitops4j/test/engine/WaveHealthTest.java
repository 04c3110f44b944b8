package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.diff.DiffOptions;
import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.engine.WaveHealth;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Health-gated waves: a migration Job in wave 0 must succeed before wave 1 is written. */
class WaveHealthTest {

  private static final ResourceId JOB = ResourceId.of("batch/Job", "shop", "migrate");
  private static final ResourceId APP_CONFIG = ResourceId.of("ConfigMap", "shop", "app");

  private final ManualClock clock = ManualClock.create();
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final InMemoryTarget memory = InMemoryTarget.create();
  private final InMemorySource repo = InMemorySource.create("shop-config", clock);
  private final List<PassResult> results = new CopyOnWriteArrayList<>();

  private Engine engine(WaveHealth waveHealth) {
    Target target =
        Target.builder("memory")
            .renderer(ManifestRenderer.ofDefaults())
            // Status belongs to the controller, as on Kubernetes: not compared.
            .sessions(
                TargetSession.of(
                    memory,
                    StructuralDiffer.of(
                        DiffOptions.custom().ignore(IgnoreRule.of("/status")).build()),
                    memory))
            .inventoryStore(memory.inventoryStore())
            .waveField("/metadata/annotations/wave")
            // Jobs report their phase as a controller would; no phase yet means still running.
            .healthCheck(
                live -> {
                  if (!live.id().equals(JOB)) {
                    return Optional.empty();
                  }
                  String phase = live.body().at("/status/phase").asText("");
                  return Optional.of(
                      switch (phase) {
                        case "Succeeded" -> Health.healthy();
                        case "Failed" -> Health.of(HealthStatus.DEGRADED, "BackoffLimitExceeded");
                        default -> Health.of(HealthStatus.PROGRESSING, "running");
                      });
                })
            .build();
    Application.Builder app =
        Application.builder("shop").source(repo).target(target).interval(Duration.ofHours(1));
    if (waveHealth != null) {
      app.waveHealth(waveHealth);
    }
    return DeterministicEngine.builder(clock, timers)
        .listener(
            new dev.gitops4j.engine.ReconcileListener() {
              @Override
              public void passFinished(PassResult result) {
                results.add(result);
              }
            })
        .application(app.build())
        .build();
  }

  private void commitJobThenApp() {
    repo.commit(
        Map.of(
            "job.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  namespace: shop\n"
                + "  annotations:\n    wave: \"0\"\nspec:\n  image: migrate:1\n",
            "app.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: shop\n"
                + "  annotations:\n    wave: \"1\"\ndata:\n  schema: \"2\"\n"));
  }

  private void jobEnds(String phase) {
    memory.edit(JOB, body -> body.withObjectProperty("status").put("phase", phase));
  }

  private PassResult nextScheduledPass(Duration after) {
    int before = results.size();
    clock.advance(after);
    timers.runDue();
    assertThat(results).as("a pass ran").hasSizeGreaterThan(before);
    return results.get(results.size() - 1);
  }

  @Test
  void theNextWaveWaitsUntilTheEarlierOneIsHealthyWithoutBlockingAThread() throws Exception {
    commitJobThenApp();
    try (Engine engine = engine(WaveHealth.required(Duration.ofMinutes(10)))) {
      PassResult first = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(first.error())
          .isEqualTo("wave 1 waits for batch/Job shop/migrate is PROGRESSING: running");
      assertThat(memory.contains(JOB)).isTrue();
      assertThat(memory.contains(APP_CONFIG)).isFalse();

      // The next pass follows after the poll interval, not the hour-long interval.
      PassResult still = nextScheduledPass(Duration.ofSeconds(5));
      assertThat(still.status()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(still.writes()).isZero();

      jobEnds("Succeeded");
      PassResult done = nextScheduledPass(Duration.ofSeconds(5));
      assertThat(done.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(memory.contains(APP_CONFIG)).isTrue();
    }
  }

  @Test
  void aDegradedEarlierWaveStopsThePass() throws Exception {
    commitJobThenApp();
    try (Engine engine = engine(WaveHealth.required(Duration.ofMinutes(10)))) {
      engine.trigger("shop").get(30, TimeUnit.SECONDS);
      jobEnds("Failed");
      PassResult failed = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error())
          .isEqualTo(
              "wave 1 not started: batch/Job shop/migrate is DEGRADED: BackoffLimitExceeded");
      assertThat(memory.contains(APP_CONFIG)).isFalse();
    }
  }

  @Test
  void continueWhenDegradedWritesTheNextWaveAnyway() throws Exception {
    commitJobThenApp();
    try (Engine engine =
        engine(WaveHealth.required(Duration.ofMinutes(10)).continueWhenDegraded())) {
      engine.trigger("shop").get(30, TimeUnit.SECONDS);
      jobEnds("Failed");
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      assertThat(memory.contains(APP_CONFIG)).isTrue();
    }
  }

  @Test
  void waitingLongerThanTheTimeoutFailsTheRevisionUntilItChanges() throws Exception {
    commitJobThenApp();
    try (Engine engine =
        engine(WaveHealth.required(Duration.ofMinutes(1)).poll(Duration.ofSeconds(20)))) {
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.PROGRESSING);
      List<PassStatus> statuses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        statuses.add(nextScheduledPass(Duration.ofSeconds(20)).status());
      }
      assertThat(statuses)
          .containsExactly(
              PassStatus.PROGRESSING,
              PassStatus.PROGRESSING,
              PassStatus.PROGRESSING,
              PassStatus.FAILED);
      PassResult timedOut = results.get(results.size() - 1);
      assertThat(timedOut.error())
          .isEqualTo(
              "wave 1 waits for batch/Job shop/migrate is PROGRESSING: running for longer than the"
                  + " wave health timeout PT1M");
      assertThat(timedOut.retryable()).isFalse();
      assertThat(memory.contains(APP_CONFIG)).isFalse();
    }
  }

  @Test
  void withoutWaveHealthEveryWaveIsWrittenInOnePass() throws Exception {
    commitJobThenApp();
    try (Engine engine = engine(null)) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(result.writes()).isEqualTo(2);
    }
  }
}
