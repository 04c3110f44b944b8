package dev.gitops4j.cli.internal;

import dev.gitops4j.source.GitRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.lib.Ref;

/** Turns what the user wrote into a {@link GitRef}. */
final class Refs {

  private Refs() {}

  /** Exactly one of the four may be set; none means branch {@code main}. */
  static RefSpec choose(String ref, String tag, String semver, String commit) {
    List<RefSpec> given = new ArrayList<>();
    if (ref != null) {
      given.add(new RefSpec(RefSpec.Kind.REF, ref));
    }
    if (tag != null) {
      given.add(new RefSpec(RefSpec.Kind.TAG, tag));
    }
    if (semver != null) {
      given.add(new RefSpec(RefSpec.Kind.SEMVER, semver));
    }
    if (commit != null) {
      given.add(new RefSpec(RefSpec.Kind.COMMIT, commit));
    }
    if (given.size() > 1) {
      throw new IllegalArgumentException("give one of ref, tag, semver or commit, not several");
    }
    RefSpec spec = given.isEmpty() ? new RefSpec(RefSpec.Kind.REF, "main") : given.get(0);
    if (spec.kind() != RefSpec.Kind.REF) {
      toGitRef(spec); // checks tag names, ranges and ids now
    } else if (spec.value().isBlank()) {
      throw new IllegalArgumentException("ref must not be blank");
    }
    return spec;
  }

  /**
   * The source's ref. Branches and tags are followed; any other ref ({@code refs/pull/42/head},
   * {@code refs/merge-requests/7/head}) is resolved once with {@code ls-remote} and pinned, which
   * is what a pull-request preview needs.
   */
  static GitRef resolve(
      RefSpec spec, String url, java.util.function.Consumer<LsRemoteCommand> auth) {
    if (spec.kind() == RefSpec.Kind.REF
        && spec.value().startsWith("refs/")
        && !spec.value().startsWith("refs/heads/")
        && !spec.value().startsWith("refs/tags/")) {
      try {
        LsRemoteCommand ls = Git.lsRemoteRepository().setRemote(url);
        auth.accept(ls);
        Map<String, Ref> refs = ls.callAsMap();
        Ref found = refs.get(spec.value());
        if (found == null || found.getObjectId() == null) {
          throw new CliException("ref " + spec.value() + " not found in " + url);
        }
        return GitRef.commit(found.getObjectId().name());
      } catch (CliException e) {
        throw e;
      } catch (Exception e) {
        throw new CliException("cannot list refs of " + url + ": " + e.getMessage(), e);
      }
    }
    return toGitRef(spec);
  }

  private static GitRef toGitRef(RefSpec spec) {
    return switch (spec.kind()) {
      case REF ->
          spec.value().startsWith("refs/tags/")
              ? GitRef.tag(spec.value())
              : GitRef.branch(spec.value());
      case TAG -> GitRef.tag(spec.value());
      case SEMVER -> GitRef.semver(spec.value());
      case COMMIT -> GitRef.commit(spec.value());
    };
  }
}
