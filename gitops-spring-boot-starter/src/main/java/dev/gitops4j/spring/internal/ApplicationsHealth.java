package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.HealthStatus;
import java.util.Iterator;
import java.util.Optional;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;

/**
 * {@code /actuator/health/gitops4j}: one indicator per application of the engine, read from its
 * latest pass. Applications registered later appear without a restart.
 *
 * <p>Mapping: healthy → UP; a failed pass, degraded or missing objects → DOWN; suspended →
 * OUT_OF_SERVICE; not run yet, progressing or unknown → UNKNOWN.
 */
public final class ApplicationsHealth implements CompositeHealthContributor {

  private final Engine engine;

  public ApplicationsHealth(Engine engine) {
    this.engine = engine;
  }

  @Override
  public HealthContributor getContributor(String name) {
    return engine.application(name).isPresent() ? indicator(name) : null;
  }

  @Override
  public Iterator<NamedContributor<HealthContributor>> iterator() {
    return engine.applications().stream()
        .map(name -> NamedContributor.of(name, (HealthContributor) indicator(name)))
        .iterator();
  }

  private HealthIndicator indicator(String name) {
    return () -> health(name);
  }

  private Health health(String name) {
    ApplicationStatus status = ApplicationStatus.of(engine, name);
    Health.Builder health = Health.status(status(name));
    health.withDetail("status", status.status()).withDetail("health", status.health());
    if (!status.revision().isEmpty()) {
      health.withDetail("revision", status.revision());
    }
    if (status.lastPass() != null) {
      health.withDetail("lastPass", status.lastPass().started().toString());
      if (!status.lastPass().error().isEmpty()) {
        health.withDetail("error", status.lastPass().error());
      }
    }
    return health.build();
  }

  private Status status(String name) {
    if (engine.suspended(name)) {
      return Status.OUT_OF_SERVICE;
    }
    Optional<PassResult> last = engine.lastResult(name);
    if (last.isEmpty()) {
      return Status.UNKNOWN;
    }
    if (last.get().status() == PassStatus.FAILED) {
      return Status.DOWN;
    }
    HealthStatus health =
        last.get().health() == null ? HealthStatus.UNKNOWN : last.get().health().status();
    return switch (health) {
      case HEALTHY -> Status.UP;
      case DEGRADED, MISSING -> Status.DOWN;
      case SUSPENDED -> Status.OUT_OF_SERVICE;
      case PROGRESSING, UNKNOWN -> Status.UNKNOWN;
    };
  }
}
