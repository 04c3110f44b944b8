package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import java.util.Iterator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;

/**
 * {@code /actuator/health/gitops4j} on Spring Boot 3: one indicator per application of the engine,
 * read from its latest pass ({@link HealthMapping}). Applications registered later appear without a
 * restart.
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
    return () -> {
      HealthMapping health = HealthMapping.of(engine, name);
      return Health.status(health.status()).withDetails(health.details()).build();
    };
  }
}
