package dev.gitops4j.generate;

import java.util.Objects;

/**
 * In which steps an {@link ApplicationSet} lets its applications write a new revision. Each
 * application of a step depends ({@code Application.dependsOn}) on every application of the step
 * before, so it writes only once they all synced their current revision and are healthy; one
 * Degraded or failed application stops every later step, and {@link ApplicationSet#rollout()} says
 * where and why.
 *
 * @param stepSize applications per step, or 0 for all at once
 * @param orderKey the parameter that orders the applications into steps (ascending; numbers as
 *     numbers), or empty to order them by name
 * @param byValue one step per distinct value of {@code orderKey} instead of {@code stepSize}
 *     applications per step
 */
public record Rollout(int stepSize, String orderKey, boolean byValue) {

  public Rollout {
    if (stepSize < 0) {
      throw new IllegalArgumentException("stepSize must not be negative");
    }
    Objects.requireNonNull(orderKey, "orderKey");
    if (byValue && orderKey.isEmpty()) {
      throw new IllegalArgumentException("steps by value need a parameter to order by");
    }
  }

  /** Every application at once: no step waits for another (the default). */
  public static Rollout allAtOnce() {
    return new Rollout(0, "", false);
  }

  /** {@code size} applications at a time, in the order of their names. */
  public static Rollout steps(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a step holds at least one application");
    }
    return new Rollout(size, "", false);
  }

  /**
   * {@code size} applications at a time, ordered by the value of parameter {@code key} (then by
   * name); an application without that parameter goes last.
   */
  public static Rollout steps(int size, String key) {
    if (size < 1) {
      throw new IllegalArgumentException("a step holds at least one application");
    }
    return new Rollout(size, requireKey(key), false);
  }

  /**
   * One step per distinct value of parameter {@code key}, in ascending order: e.g. a cluster label
   * {@code wave} of 1, 2, 3 ({@code cluster.label.wave}).
   */
  public static Rollout byParameter(String key) {
    return new Rollout(0, requireKey(key), true);
  }

  /** Whether every application goes at once. */
  public boolean isAllAtOnce() {
    return stepSize == 0 && !byValue;
  }

  private static String requireKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("the parameter to order by must not be blank");
    }
    return key;
  }
}
