package dev.gitops4j.model;

import java.util.Objects;

/**
 * One thing wrong with the desired state, located in the source.
 *
 * @param origin file and position of the problem
 * @param message what is wrong, in words a user can act on; never contains secret values
 */
public record Problem(Origin origin, String message) {

  public Problem {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(message, "message");
  }

  /** {@code file:line:column: message}. */
  @Override
  public String toString() {
    return origin + ": " + message;
  }
}
