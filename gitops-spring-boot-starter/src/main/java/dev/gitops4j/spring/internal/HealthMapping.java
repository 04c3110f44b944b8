package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An application's health in actuator terms, shared by the Spring Boot 3 and 4 health adapters.
 *
 * <p>Mapping: healthy → UP; a failed pass, degraded or missing objects → DOWN; suspended →
 * OUT_OF_SERVICE; not run yet, progressing or unknown → UNKNOWN.
 *
 * @param status the actuator status code
 * @param details status, health, revision, last pass and error
 */
record HealthMapping(String status, Map<String, Object> details) {

  static HealthMapping of(Engine engine, String name) {
    ApplicationStatus app = ApplicationStatus.of(engine, name);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("status", app.status());
    details.put("health", app.health());
    if (!app.revision().isEmpty()) {
      details.put("revision", app.revision());
    }
    if (app.lastPass() != null) {
      details.put("lastPass", app.lastPass().started().toString());
      if (!app.lastPass().error().isEmpty()) {
        details.put("error", app.lastPass().error());
      }
    }
    return new HealthMapping(status(engine, name), details);
  }

  private static String status(Engine engine, String name) {
    if (engine.suspended(name)) {
      return "OUT_OF_SERVICE";
    }
    Optional<PassResult> last = engine.lastResult(name);
    if (last.isEmpty()) {
      return "UNKNOWN";
    }
    if (last.get().status() == PassStatus.FAILED) {
      return "DOWN";
    }
    HealthStatus health =
        last.get().health() == null ? HealthStatus.UNKNOWN : last.get().health().status();
    return switch (health) {
      case HEALTHY -> "UP";
      case DEGRADED, MISSING -> "DOWN";
      case SUSPENDED -> "OUT_OF_SERVICE";
      case PROGRESSING, UNKNOWN -> "UNKNOWN";
    };
  }
}
