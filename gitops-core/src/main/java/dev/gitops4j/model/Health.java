package dev.gitops4j.model;

import java.util.Objects;

/**
 * Assessed health with a human-readable reason.
 *
 * @param status the status
 * @param message why, e.g. {@code 2/3 replicas available}; may be empty
 */
public record Health(HealthStatus status, String message) {

  public Health {
    Objects.requireNonNull(status, "status");
    message = message == null ? "" : message;
  }

  public static Health healthy() {
    return new Health(HealthStatus.HEALTHY, "");
  }

  public static Health of(HealthStatus status, String message) {
    return new Health(status, message);
  }
}
