package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health/gitops4j} on Spring Boot 4, whose health API moved to {@code
 * org.springframework.boot.health}; the same mapping as {@link ApplicationsHealth}.
 */
public final class Boot4ApplicationsHealth implements CompositeHealthContributor {

  private final Engine engine;

  public Boot4ApplicationsHealth(Engine engine) {
    this.engine = engine;
  }

  @Override
  public HealthContributor getContributor(String name) {
    return engine.application(name).isPresent() ? indicator(name) : null;
  }

  @Override
  public Stream<HealthContributors.Entry> stream() {
    return engine.applications().stream()
        .map(name -> new HealthContributors.Entry(name, indicator(name)));
  }

  private HealthIndicator indicator(String name) {
    return () -> {
      HealthMapping health = HealthMapping.of(engine, name);
      return Health.status(health.status()).withDetails(health.details()).build();
    };
  }
}
