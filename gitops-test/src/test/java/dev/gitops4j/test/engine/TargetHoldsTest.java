package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A target holding a pass back or failing it before a wave and before the pass ends ({@link
 * TargetSession#holdBefore}), setting resources aside for a pass ({@link TargetSession#forPass})
 * and hearing of a failed pass ({@link TargetSession#passFailed}): the machinery Kubernetes sync
 * hooks use, without application wave health.
 */
class TargetHoldsTest {

  private static final ResourceId FIRST = ResourceId.of("ConfigMap", "shop", "first");
  private static final ResourceId SECOND = ResourceId.of("ConfigMap", "shop", "second");
  private static final ResourceId ASIDE = ResourceId.of("ConfigMap", "shop", "aside");

  private final ManualClock clock = ManualClock.create();
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final InMemoryTarget memory = InMemoryTarget.create();
  private final InMemorySource repo = InMemorySource.create("shop-config", clock);
  private final List<PassResult> results = new CopyOnWriteArrayList<>();
  private final List<String> toldFailed = new CopyOnWriteArrayList<>();

  /** What the target answers before the wave writing SECOND, and before the pass ends. */
  private volatile String holdSecond;

  private volatile String holdEnd;
  private volatile TargetException failSecond;

  private final class HoldingSession implements TargetSession {
    private final TargetSession plain;

    HoldingSession(PassContext context) throws TargetException {
      this.plain = TargetSession.of(memory, StructuralDiffer.ofDefaults(), memory).open(context);
    }

    @Override
    public DesiredState forPass(DesiredState rendered) {
      return DesiredState.of(
          rendered.revision(),
          rendered.resources().values().stream().filter(r -> !r.id().equals(ASIDE)).toList());
    }

    @Override
    public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
      return plain.observe(desired, inventory);
    }

    @Override
    public DriftReport diff(DesiredState desired, LiveState live) {
      return plain.diff(desired, live);
    }

    @Override
    public String apply(Step step, ApplyOptions options) throws TargetException {
      return plain.apply(step, options);
    }

    @Override
    public String holdBefore(Wave next, List<StepResult> resultsSoFar) throws TargetException {
      if (next == null) {
        return holdEnd;
      }
      boolean writesSecond = next.steps().stream().anyMatch(s -> s.id().equals(SECOND));
      if (writesSecond && failSecond != null) {
        throw failSecond;
      }
      return writesSecond ? holdSecond : null;
    }

    @Override
    public void passFailed(String error) {
      toldFailed.add(error);
    }
  }

  private Engine engine() {
    Target target =
        Target.builder("memory")
            .renderer(ManifestRenderer.ofDefaults())
            .sessions(HoldingSession::new)
            .inventoryStore(memory.inventoryStore())
            .waveField("/metadata/annotations/wave")
            .build();
    return DeterministicEngine.builder(clock, timers)
        .listener(
            new ReconcileListener() {
              @Override
              public void passFinished(PassResult result) {
                results.add(result);
              }
            })
        .application(
            Application.builder("shop")
                .source(repo)
                .target(target)
                .interval(Duration.ofHours(1))
                .build())
        .build();
  }

  private void commit() {
    repo.commit(
        Map.of(
            "first.yaml", configMap("first", 0),
            "second.yaml", configMap("second", 1),
            "aside.yaml", configMap("aside", 0)));
  }

  private static String configMap(String name, int wave) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\n  annotations:\n    wave: \""
        + wave
        + "\"\ndata:\n  k: v\n";
  }

  private PassResult nextScheduledPass(Duration after) {
    int before = results.size();
    clock.advance(after);
    timers.runDue();
    assertThat(results).as("a pass ran").hasSizeGreaterThan(before);
    return results.get(results.size() - 1);
  }

  @Test
  void aHeldWaveWaitsWithoutWaveHealthAndGoesOnOnceReleased() throws Exception {
    commit();
    holdSecond = "hook batch/Job shop/migrate is running";
    try (Engine engine = engine()) {
      PassResult first = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(first.error()).isEqualTo("hook batch/Job shop/migrate is running");
      assertThat(memory.contains(FIRST)).isTrue();
      assertThat(memory.contains(SECOND)).isFalse();
      assertThat(memory.contains(ASIDE)).as("set aside by the session").isFalse();

      // Polled after the default 5 s, not the hour-long interval.
      holdSecond = null;
      PassResult done = nextScheduledPass(Duration.ofSeconds(5));
      assertThat(done.status()).as(done.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(memory.contains(SECOND)).isTrue();
      assertThat(memory.contains(ASIDE)).isFalse();
      assertThat(toldFailed).isEmpty();
    }
  }

  @Test
  void aTargetFailureBeforeAWaveFailsThePassAndIsToldToTheSession() throws Exception {
    commit();
    failSecond = new TargetException("hook batch/Job shop/migrate failed", false);
    try (Engine engine = engine()) {
      PassResult failed = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error()).isEqualTo("hook batch/Job shop/migrate failed");
      assertThat(failed.retryable()).isFalse();
      assertThat(memory.contains(FIRST)).isTrue();
      assertThat(memory.contains(SECOND)).isFalse();
      assertThat(toldFailed).containsExactly("hook batch/Job shop/migrate failed");
    }
  }

  @Test
  void theEndHoldKeepsEvenAnEmptyPlanProgressingUntilTheDefaultTimeout() throws Exception {
    commit();
    try (Engine engine = engine()) {
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      holdEnd = "hook batch/Job shop/notify is running";
      PassResult waiting = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(waiting.status()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(waiting.plan().isEmpty()).isTrue();
      assertThat(waiting.error()).isEqualTo("hook batch/Job shop/notify is running");

      clock.advance(Duration.ofMinutes(11));
      PassResult timedOut = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(timedOut.status()).isEqualTo(PassStatus.FAILED);
      assertThat(timedOut.error()).contains("for longer than the wave health timeout PT10M");
      assertThat(toldFailed).hasSize(1);

      holdEnd = null;
      assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.IN_SYNC);
    }
  }
}
