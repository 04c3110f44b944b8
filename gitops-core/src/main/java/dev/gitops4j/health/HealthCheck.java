package dev.gitops4j.health;

import dev.gitops4j.model.Health;
import dev.gitops4j.model.LiveResource;
import java.util.Optional;

/** Assesses the health of live resources of the kinds it knows. */
public interface HealthCheck {

  /** The health of {@code resource}, or empty when this check does not handle its kind. */
  Optional<Health> assess(LiveResource resource);
}
