package dev.gitops4j.cli.internal;

import dev.gitops4j.source.GitSource;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/** The Git source of an application of the configuration file. */
final class AppSources {

  private AppSources() {}

  /**
   * The Git source of {@code spec}, its cache under {@code stateDir}, with the credentials {@code
   * env} holds for it.
   */
  static GitSource open(AppSpec spec, Path stateDir, Map<String, String> env) {
    try {
      GitSource.Builder source = GitSource.builder(spec.url()).cacheDir(stateDir.resolve("git"));
      if (!spec.path().isEmpty()) {
        source.path(spec.path());
      }
      GitAuth.Credentials credentials = spec.auth().resolve(spec.url(), env, source);
      // A pinned application keeps following its ref in the source; the engine's pin decides
      // the revision of each pass (see pass(Unit)).
      source.ref(
          Refs.resolve(
              spec.ref(),
              spec.url(),
              ls -> {
                if (credentials != null) {
                  ls.setCredentialsProvider(
                      new UsernamePasswordCredentialsProvider(
                          credentials.username(), credentials.secret()));
                }
              }));
      return source.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(
          spec.where() + ": application '" + spec.name() + "': " + e.getMessage());
    }
  }
}
