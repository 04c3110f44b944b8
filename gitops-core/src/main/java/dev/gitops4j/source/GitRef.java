package dev.gitops4j.source;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link GitSource} follows: a branch, a tag, the highest tag in a semantic version range,
 * or one pinned commit.
 */
public sealed interface GitRef {

  /** Follows the tip of a branch; a force-push simply moves the source to the new commit. */
  static GitRef branch(String name) {
    return new Branch(name);
  }

  /** Follows one tag; annotated tags are peeled to their commit. */
  static GitRef tag(String name) {
    return new Tag(name);
  }

  /**
   * Follows the highest tag whose version (with or without a leading {@code v}) lies in the range,
   * such as {@code >=1.2.0 <2.0.0}, {@code ^1.2} or {@code ~1.2.3}. Pre-releases only match when
   * the range names a pre-release of the same version.
   */
  static GitRef semver(String range) {
    return new Semver(range);
  }

  /** Pins one commit, given as its full 40-character id. */
  static GitRef commit(String id) {
    return new Commit(id);
  }

  /** A short form for logs, such as {@code branch main}. */
  String describe();

  /** A branch name, such as {@code main} (without {@code refs/heads/}). */
  record Branch(String name) implements GitRef {
    public Branch {
      name = checkRefName(name, "branch", "refs/heads/");
    }

    @Override
    public String describe() {
      return "branch " + name;
    }
  }

  /** A tag name, such as {@code v1.2.3} (without {@code refs/tags/}). */
  record Tag(String name) implements GitRef {
    public Tag {
      name = checkRefName(name, "tag", "refs/tags/");
    }

    @Override
    public String describe() {
      return "tag " + name;
    }
  }

  /** A semantic version range over tags. */
  record Semver(String range) implements GitRef {
    public Semver {
      Objects.requireNonNull(range, "range");
      // Parse now so a bad range fails when the source is built, not on the first pass.
      dev.gitops4j.source.internal.SemverRange.parse(range);
      range = range.strip();
    }

    @Override
    public String describe() {
      return "semver " + range;
    }
  }

  /** A full commit id. */
  record Commit(String id) implements GitRef {
    private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    public Commit {
      Objects.requireNonNull(id, "id");
      id = id.strip().toLowerCase(java.util.Locale.ROOT);
      if (!FULL_ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "commit must be a full 40-character hex id, got '" + id + "'");
      }
    }

    @Override
    public String describe() {
      return "commit " + id;
    }
  }

  private static String checkRefName(String name, String kind, String prefix) {
    Objects.requireNonNull(name, kind);
    String stripped = name.strip();
    if (stripped.startsWith(prefix)) {
      stripped = stripped.substring(prefix.length());
    }
    if (!org.eclipse.jgit.lib.Repository.isValidRefName(prefix + stripped)) {
      throw new IllegalArgumentException("invalid " + kind + " name '" + name + "'");
    }
    return stripped;
  }
}
