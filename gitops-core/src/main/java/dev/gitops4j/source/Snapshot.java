package dev.gitops4j.source;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The files of one revision under the source's path, read without a working checkout.
 *
 * @param revision revision id (commit id for Git, content hash for folders)
 * @param commit commit metadata, or {@code null} when the source has no commits
 * @param files regular files sorted by path
 */
public record Snapshot(String revision, CommitInfo commit, List<SourceFile> files) {

  public Snapshot {
    Objects.requireNonNull(revision, "revision");
    files = files.stream().sorted(Comparator.comparing(SourceFile::path)).toList();
  }

  public Optional<CommitInfo> commitInfo() {
    return Optional.ofNullable(commit);
  }

  public Optional<SourceFile> file(String path) {
    return files.stream().filter(file -> file.path().equals(path)).findFirst();
  }
}
