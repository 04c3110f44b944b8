package dev.gitops4j.web;

import java.util.Locale;
import java.util.Optional;

/** What a person can ask the engine to do from the dashboard or the API. */
public enum Action {
  /** Run a pass now. */
  SYNC,
  /** Apply the plan that awaits approval, named by its plan id. */
  APPROVE,
  /** Stop the application's passes from reading or writing. */
  SUSPEND,
  /** Let a suspended application's passes run again. */
  RESUME,
  /** Pin the application to an earlier revision from its history. */
  ROLLBACK,
  /** Follow the source's ref again after a rollback. */
  UNPIN;

  /** The lower-case name used in URLs, e.g. {@code approve}. */
  public String pathName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action whose {@link #pathName()} is {@code name}. */
  public static Optional<Action> fromPathName(String name) {
    for (Action action : values()) {
      if (action.pathName().equals(name)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }
}
