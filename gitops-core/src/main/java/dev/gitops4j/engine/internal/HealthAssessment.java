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
import dev.gitops4j.model.TargetException;
import java.util.List;
import java.util.Optional;

/**
 * An application's health: the worst health of its declared resources, as the target's health
 * checks judge them; listeners hear when the status changes.
 */
final class HealthAssessment {

  private final ReconcileListener listener;

  HealthAssessment(ReconcileListener listener) {
    this.listener = listener;
  }

  /** Health after a pass that wrote: observed again, unless there is nothing to check. */
  void afterApply(
      Pass pass,
      TargetSession session,
      BreakerGuard guard,
      DesiredState desired,
      Inventory inventory) {
    if (pass.rt.app().target().healthChecks().isEmpty()) {
      pass.health = Health.healthy();
      update(pass);
      return;
    }
    try {
      LiveState live = guard.call("observe", () -> session.observe(desired, inventory));
      assess(pass, desired, live);
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
