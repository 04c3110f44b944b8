package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.engine.WaveHealth;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.plan.Planner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a wave start only when every declared resource of the earlier explicit waves is healthy.
 * Resources this pass wrote are observed again; the others are judged on the pass's observation.
 */
final class WaveHealthGate {

  private static final Logger LOG = LoggerFactory.getLogger(WaveHealthGate.class);

  /** The wave must wait: the pass ends {@code PROGRESSING}, or fails when degraded. */
  static final class Held extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean degraded;
    final boolean retryable;

    Held(String message, boolean degraded) {
      this(message, degraded, true);
    }

    /** The target failed the pass before a wave; {@code retryable} as its exception said. */
    Held(String message, boolean degraded, boolean retryable) {
      super(message, null, false, false);
      this.degraded = degraded;
      this.retryable = retryable;
    }
  }

  /** What a wave the target holds back waits by when the application sets no wave health. */
  static final WaveHealth TARGET_HOLDS = WaveHealth.required(Duration.ofMinutes(10));

  /** The application's wave health, or {@link #TARGET_HOLDS}. */
  static WaveHealth policyOf(Application app) {
    return app.waveHealth() == null ? TARGET_HOLDS : app.waveHealth();
  }

  private final WaveHealth policy;
  private final String waveField;
  private final List<HealthCheck> checks;
  private final TargetSession session;
  private final BreakerGuard guard;
  private final DesiredState desired;
  private final LiveState observed;
  private final Inventory inventory;

  WaveHealthGate(
      WaveHealth policy,
      String waveField,
      List<HealthCheck> checks,
      TargetSession session,
      BreakerGuard guard,
      DesiredState desired,
      LiveState observed,
      Inventory inventory) {
    this.policy = policy;
    this.waveField = waveField;
    this.checks = checks;
    this.session = session;
    this.guard = guard;
    this.desired = desired;
    this.observed = observed;
    this.inventory = inventory;
  }

  void check(Wave wave, List<StepResult> resultsSoFar) {
    if (wave.steps().stream().allMatch(step -> step.action() == Step.Action.DELETE)) {
      return;
    }
    int number =
        wave.steps().stream()
            .filter(step -> step.desired() != null)
            .mapToInt(step -> Planner.explicitWave(step.desired().body(), waveField))
            .min()
            .orElse(0);
    List<DesiredResource> earlier =
        desired.resources().values().stream()
            .filter(resource -> Planner.explicitWave(resource.body(), waveField) < number)
            .toList();
    if (earlier.isEmpty()) {
      return;
    }
    Set<ResourceId> written =
        resultsSoFar.stream()
            .filter(result -> result.outcome() == StepResult.Outcome.APPLIED)
            .map(result -> result.step().id())
            .collect(Collectors.toSet());
    LiveState fresh = written.isEmpty() ? observed : observeAgain(earlier, written);
    for (DesiredResource resource : earlier) {
      LiveState live = written.contains(resource.id()) ? fresh : observed;
      Health health = healthOf(live.get(resource.id()));
      HealthStatus status = health.status();
      if (status == HealthStatus.HEALTHY || status == HealthStatus.SUSPENDED) {
        continue;
      }
      String what = resource.id() + " is " + status + detail(health);
      if (status == HealthStatus.DEGRADED) {
        if (policy.isContinueWhenDegraded()) {
          LOG.warn("wave {} goes ahead although {}", number, what);
          continue;
        }
        throw new Held("wave " + number + " not started: " + what, true);
      }
      throw new Held("wave " + number + " waits for " + what, false);
    }
  }

  private LiveState observeAgain(List<DesiredResource> earlier, Set<ResourceId> written) {
    DesiredState subset =
        DesiredState.of(
            desired.revision(),
            earlier.stream().filter(resource -> written.contains(resource.id())).toList());
    try {
      return guard.call("observe", () -> session.observe(subset, inventory));
    } catch (TargetException e) {
      throw new Held("cannot observe the earlier waves: " + e.getMessage(), false);
    }
  }

  private Health healthOf(Optional<LiveResource> live) {
    return live.isEmpty()
        ? Health.of(HealthStatus.MISSING, "not found in the target")
        : HealthAssessment.check(checks, live.get());
  }

  private static String detail(Health health) {
    return health.message().isEmpty() ? "" : ": " + health.message();
  }
}
