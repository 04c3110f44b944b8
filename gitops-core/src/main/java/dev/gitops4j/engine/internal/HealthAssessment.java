package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An application's health: the worst health of its declared resources, as the target's health
 * checks judge them; listeners hear when the status changes.
 */
final class HealthAssessment {

  private final ReconcileListener listener;

  HealthAssessment(ReconcileListener listener) {
    this.listener = listener;
  }

  /**
   * Health after a pass that wrote: the written resources observed again, the others as {@code
   * before} (observed at the start of this pass) showed them, unless there is nothing to check.
   */
  void afterApply(
      Pass pass,
      TargetSession session,
      BreakerGuard guard,
      DesiredState desired,
      LiveState before) {
    if (pass.rt.app().target().healthChecks().isEmpty()) {
      pass.health = Health.healthy();
      update(pass);
      return;
    }
    Set<ResourceId> written =
        pass.results.stream()
            .filter(result -> result.outcome() == StepResult.Outcome.APPLIED)
            .map(result -> result.step().id())
            .collect(Collectors.toSet());
    DesiredState subset =
        DesiredState.of(
            desired.revision(),
            desired.resources().values().stream()
                .filter(resource -> written.contains(resource.id()))
                .toList());
    try {
      Map<ResourceId, LiveResource> merged = new HashMap<>(before.resources());
      written.forEach(merged::remove);
      if (!subset.resources().isEmpty()) {
        LiveState again = guard.call("observe", () -> session.observe(subset, Inventory.empty()));
        merged.putAll(again.resources());
      }
      assess(pass, desired, LiveState.of(merged.values()));
    } catch (TargetException e) {
      pass.health =
          Health.of(HealthStatus.UNKNOWN, "cannot observe after apply: " + e.getMessage());
      update(pass);
    }
  }

  /** Health of what {@code live} shows. */
  void assess(Pass pass, DesiredState desired, LiveState live) {
    HealthStatus worst = HealthStatus.HEALTHY;
    String reason = "";
    List<HealthCheck> checks = pass.rt.app().target().healthChecks();
    for (DesiredResource resource : desired.resources().values()) {
      Optional<LiveResource> observed = live.get(resource.id());
      Health health =
          observed.isEmpty()
              ? Health.of(HealthStatus.MISSING, "not found in the target")
              : check(checks, observed.get());
      if (health.status().isWorseThan(worst)) {
        worst = health.status();
        reason = resource.id() + ": " + health.message();
      }
    }
    pass.health = Health.of(worst, reason);
    update(pass);
  }

  /** The first check that has an opinion decides; none means healthy. */
  static Health check(List<HealthCheck> checks, LiveResource live) {
    for (HealthCheck check : checks) {
      try {
        Optional<Health> health = check.assess(live);
        if (health.isPresent()) {
          return health.get();
        }
      } catch (RuntimeException e) {
        return Health.of(HealthStatus.UNKNOWN, "health check failed: " + e);
      }
    }
    return Health.healthy();
  }

  private void update(Pass pass) {
    Health previous = pass.rt.health;
    pass.rt.health = pass.health;
    if (previous == null || previous.status() != pass.health.status()) {
      listener.healthChanged(pass.application(), previous, pass.health);
    }
  }
}
