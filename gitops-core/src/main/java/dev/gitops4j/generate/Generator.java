package dev.gitops4j.generate;

import dev.gitops4j.generate.internal.GitDirectoriesGenerator;
import dev.gitops4j.generate.internal.GitFilesGenerator;
import dev.gitops4j.generate.internal.ListGenerator;
import dev.gitops4j.generate.internal.MatrixGenerator;
import dev.gitops4j.source.Source;
import java.util.List;
import java.util.Map;

/**
 * Produces parameter sets, one per application an {@link ApplicationSet} makes from its template.
 * What it produces may change over time (a commit adds a folder, a cluster gets a label); the set
 * asks again on its interval and whenever the generator reports a change.
 *
 * <p>Implementations must be thread-safe and must not change anything outside themselves.
 */
public interface Generator {

  /**
   * The parameter sets as they are now.
   *
   * @throws GeneratorException when they cannot be told; the caller then changes nothing
   */
  List<Parameters> generate() throws GeneratorException;

  /**
   * Calls {@code onChange} whenever what {@link #generate()} returns may have changed without a
   * commit (a cluster added to a registry, say). The default never calls it: sources are polled.
   *
   * @return closes the subscription
   */
  default AutoCloseable subscribe(Runnable onChange) {
    return () -> {};
  }

  /** Exactly the given parameter sets. */
  static Generator list(Parameters... sets) {
    return new ListGenerator(List.of(sets));
  }

  /** Exactly the given parameter sets, each a map of keys to values. */
  static Generator list(List<Map<String, String>> sets) {
    return new ListGenerator(sets.stream().map(Parameters::of).toList());
  }

  /**
   * One parameter set per folder of the source's current revision whose path matches {@code glob}
   * ({@code apps/*}, {@code envs/**}; {@code *} stays within one folder level, {@code **} crosses
   * levels): {@code path} (e.g. {@code apps/web}) and {@code path.basename} ({@code web}). A
   * revision is read once; later calls only resolve the source.
   */
  static Generator gitDirectories(Source source, String glob) {
    return new GitDirectoriesGenerator(source, glob);
  }

  /**
   * One parameter set per document of each JSON or YAML file of the source's current revision whose
   * path matches {@code glob} ({@code clusters/*.yaml}). A document must be a mapping; its values
   * become parameters with dotted keys ({@code db.host}, {@code zones.0}), next to {@code path}
   * (the file's folder), {@code path.basename} (that folder's name) and {@code path.filename}. A
   * file that does not parse fails the whole revision with its file, line and column, so no
   * application changes on the strength of a half-read revision.
   */
  static Generator gitFiles(Source source, String glob) {
    return new GitFilesGenerator(source, glob);
  }

  /**
   * Every parameter set of {@code first} combined with every one of {@code second} (their union of
   * keys). A key both give with different values is an error.
   */
  static Generator matrix(Generator first, Generator second) {
    return new MatrixGenerator(first, second);
  }
}
