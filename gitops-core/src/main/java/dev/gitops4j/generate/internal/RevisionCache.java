package dev.gitops4j.generate.internal;

import dev.gitops4j.generate.GeneratorException;
import dev.gitops4j.generate.Parameters;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Objects;

/**
 * What a generator made of the source's current revision, so that later calls only resolve the
 * source: a revision is read and parsed once.
 */
abstract class RevisionCache {

  private final Source source;
  final String glob;
  private final PathMatcher matcher;
  private String revision;
  private List<Parameters> sets;

  RevisionCache(Source source, String glob) {
    this.source = Objects.requireNonNull(source, "source");
    this.glob = Objects.requireNonNull(glob, "glob");
    if (glob.isBlank() || glob.startsWith("/")) {
      throw new IllegalArgumentException(
          "glob '" + glob + "' must be a relative path pattern such as apps/*");
    }
    this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  boolean matches(String path) {
    return matcher.matches(Path.of(path));
  }

  /** The parameter sets of {@code snapshot}. */
  abstract List<Parameters> read(Snapshot snapshot) throws GeneratorException;

  final synchronized List<Parameters> current() throws GeneratorException {
    try {
      String now = source.resolve();
      if (!now.equals(revision)) {
        List<Parameters> made = read(source.read(now));
        sets = List.copyOf(made);
        revision = now;
      }
      return sets;
    } catch (SourceException e) {
      throw new GeneratorException("cannot read " + source.describe() + ": " + e.getMessage(), e);
    }
  }

  static String basename(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  String describe(String kind) {
    return kind + " " + glob + " of " + source.describe();
  }
}
