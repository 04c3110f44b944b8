package dev.gitops4j.examples.postgres;

import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * A login role whose {@code validUntil} has passed cannot log in with its password any more: that
 * is degraded, even though it matches Git. Schemas have no health of their own.
 */
final class RoleHealth implements HealthCheck {

  private final Clock clock;

  RoleHealth(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<Health> assess(LiveResource resource) {
    if (!resource.id().kind().equals(Role.KIND)) {
      return Optional.empty();
    }
    Role role = Role.fromJson(resource.body());
    Instant validUntil = role.validUntil();
    if (role.login() && validUntil != null && !validUntil.isAfter(clock.instant())) {
      return Optional.of(
          Health.of(HealthStatus.DEGRADED, "password login expired at " + validUntil));
    }
    return Optional.of(Health.healthy());
  }
}
