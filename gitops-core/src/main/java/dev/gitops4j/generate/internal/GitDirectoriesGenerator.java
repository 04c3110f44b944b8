package dev.gitops4j.generate.internal;

import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.GeneratorException;
import dev.gitops4j.generate.Parameters;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceFile;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** One parameter set per folder of the revision whose path matches a glob. */
public final class GitDirectoriesGenerator implements Generator {

  private final RevisionCache cache;

  public GitDirectoriesGenerator(Source source, String glob) {
    this.cache =
        new RevisionCache(source, glob) {
          @Override
          List<Parameters> read(Snapshot snapshot) {
            SortedSet<String> folders = new TreeSet<>();
            for (SourceFile file : snapshot.files()) {
              // Git has no empty folders: every folder is some file's ancestor.
              for (String folder = parent(file.path());
                  !folder.isEmpty();
                  folder = parent(folder)) {
                folders.add(folder);
              }
            }
            return folders.stream()
                .filter(this::matches)
                .map(folder -> Parameters.of("path", folder, "path.basename", basename(folder)))
                .toList();
          }
        };
  }

  @Override
  public List<Parameters> generate() throws GeneratorException {
    return cache.current();
  }

  @Override
  public String toString() {
    return cache.describe("folders");
  }
}
