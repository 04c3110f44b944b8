package dev.gitops4j.cli.internal;

import java.util.Objects;

/**
 * What a source follows, as written on the command line or in the file.
 *
 * @param kind branch or any ref, tag, semver range, or commit
 * @param value the name, range or id
 */
record RefSpec(Kind kind, String value) {

  enum Kind {
    /** A branch name, {@code refs/heads/x}, or any other ref such as {@code refs/pull/42/head}. */
    REF,
    TAG,
    SEMVER,
    COMMIT
  }

  RefSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  String describe() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + value;
  }
}
