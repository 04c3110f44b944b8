package dev.gitops4j.examples.postgres;

import java.util.Objects;

/**
 * The ownership marker of one application: a comment on every role and schema it created ({@code
 * COMMENT ON ROLE ... IS 'gitops4j:application=<name>'}). Roles and schemas without it are never
 * altered without force and never dropped, whatever the inventory says.
 *
 * @param application the application name, as registered with the engine
 */
record Ownership(String application) {

  private static final String PREFIX = "gitops4j:application=";

  Ownership {
    Objects.requireNonNull(application, "application");
    if (application.isBlank()) {
      throw new IllegalArgumentException("application must not be blank");
    }
  }

  /** The comment that marks an object as owned. */
  String marker() {
    return PREFIX + application;
  }

  /** Whether an object's comment (possibly {@code null}) is this application's marker. */
  boolean owns(String comment) {
    return marker().equals(comment);
  }
}
