package dev.gitops4j.k8s.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * What the latest probe of a cluster's API server found.
 *
 * @param state reachable, unreachable, or not probed yet
 * @param version the server's version ({@code v1.32.13}) when last reached, or empty
 * @param lastError the error of the latest failed probe, or empty
 * @param checkedAt when the latest probe ended, or null before the first
 */
public record ClusterHealth(State state, String version, String lastError, Instant checkedAt) {

  /** Whether the API server answered. */
  public enum State {
    /** Not probed yet. */
    UNKNOWN,
    /** The API server answered the latest probe. */
    REACHABLE,
    /** The latest probe failed or timed out. */
    UNREACHABLE
  }

  public ClusterHealth {
    Objects.requireNonNull(state, "state");
    version = Objects.requireNonNullElse(version, "");
    lastError = Objects.requireNonNullElse(lastError, "");
  }

  static ClusterHealth unknown() {
    return new ClusterHealth(State.UNKNOWN, "", "", null);
  }
}
