package dev.gitops4j.source.internal;

import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.internal.SemverRange.Version;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/** Which commit a {@link GitRef} names among the refs a remote advertises, and how to fetch it. */
public final class RefSelection {

  /**
   * The commit a ref names.
   *
   * @param revision the full commit id
   * @param tag the tag a semver range picked, or null for other refs
   */
  public record Selected(String revision, String tag) {}

  private RefSelection() {}

  /**
   * The commit {@code ref} (a branch, tag or semver range, not a commit) names in {@code refs}; for
   * a range the highest matching version, and of equal versions the lexically smallest tag.
   *
   * @param displayUrl the repository named in errors
   */
  public static Selected select(GitRef ref, Map<String, Ref> refs, String displayUrl)
      throws SourceException {
    if (ref instanceof GitRef.Branch branch) {
      return new Selected(
          idOf(
              refs.get(Constants.R_HEADS + branch.name()),
              "branch '" + branch.name() + "'",
              displayUrl),
          null);
    }
    if (ref instanceof GitRef.Tag tag) {
      return new Selected(
          idOf(refs.get(Constants.R_TAGS + tag.name()), "tag '" + tag.name() + "'", displayUrl),
          null);
    }
    GitRef.Semver semver = (GitRef.Semver) ref;
    SemverRange range = SemverRange.parse(semver.range());
    String bestTag = null;
    Version best = null;
    for (Ref candidate : refs.values()) {
      String name = candidate.getName();
      if (!name.startsWith(Constants.R_TAGS) || name.endsWith("^{}")) {
        continue;
      }
      String tagName = name.substring(Constants.R_TAGS.length());
      Optional<Version> version = Version.tryParse(tagName);
      if (version.isEmpty() || !range.matches(version.get())) {
        continue;
      }
      int cmp = best == null ? 1 : version.get().compareTo(best);
      // Equal versions (v1.2.3 and 1.2.3): the lexically smaller tag wins, for a stable choice.
      if (cmp > 0 || (cmp == 0 && tagName.compareTo(bestTag) < 0)) {
        best = version.get();
        bestTag = tagName;
      }
    }
    if (bestTag == null) {
      throw new SourceException(
          Reason.NOT_FOUND, "no tag of " + displayUrl + " matches semver range '" + range + "'");
    }
    return new Selected(
        idOf(refs.get(Constants.R_TAGS + bestTag), "tag '" + bestTag + "'", displayUrl), bestTag);
  }

  /**
   * The ref specs that fetch {@code id} when {@code ref} still points at it: the followed branch or
   * tag, the tag {@code last} selected for it, or every tag for a range; none for a commit.
   *
   * @param last what the last {@link #select} of a semver range returned, or null
   */
  public static List<String> refSpecs(GitRef ref, ObjectId id, Selected last) {
    if (ref instanceof GitRef.Branch branch) {
      return List.of("+refs/heads/" + branch.name() + ":refs/remotes/origin/" + branch.name());
    }
    if (ref instanceof GitRef.Tag tag) {
      return List.of("+refs/tags/" + tag.name() + ":refs/tags/" + tag.name());
    }
    if (ref instanceof GitRef.Semver) {
      if (last != null && last.tag() != null && last.revision().equals(id.name())) {
        return List.of("+refs/tags/" + last.tag() + ":refs/tags/" + last.tag());
      }
      return List.of("+refs/tags/*:refs/tags/*");
    }
    return List.of();
  }

  private static String idOf(Ref found, String what, String displayUrl) throws SourceException {
    if (found == null || found.getObjectId() == null) {
      throw new SourceException(Reason.NOT_FOUND, what + " not found in " + displayUrl);
    }
    ObjectId peeled = found.getPeeledObjectId();
    return (peeled != null ? peeled : found.getObjectId()).name();
  }
}
