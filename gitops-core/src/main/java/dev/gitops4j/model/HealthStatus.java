package dev.gitops4j.model;

/** Health of a resource or application, ordered from best to worst. */
public enum HealthStatus {
  HEALTHY,
  SUSPENDED,
  PROGRESSING,
  MISSING,
  DEGRADED,
  UNKNOWN;

  /** True when this status is worse than {@code other}; used to aggregate many into one. */
  public boolean isWorseThan(HealthStatus other) {
    return compareTo(other) > 0;
  }

  /** The worse of two statuses. */
  public static HealthStatus worst(HealthStatus a, HealthStatus b) {
    return a.isWorseThan(b) ? a : b;
  }
}
