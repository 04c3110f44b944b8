package dev.gitops4j.source;

/**
 * Where desired state comes from. Implementations: {@link GitSource}, {@link DirectorySource},
 * {@link InMemorySource}.
 *
 * <p>The engine calls {@link #resolve()} on every pass (cheap: for Git one ls-remote round trip)
 * and {@link #read(String)} only when the revision changed or was never read.
 */
public interface Source {

  /** The revision the source currently points at. */
  String resolve() throws SourceException;

  /**
   * The files of {@code revision}. Implementations verify the revision against their signature
   * policy and enforce their limits before returning anything.
   */
  Snapshot read(String revision) throws SourceException;

  /** Resolves and reads the current revision. */
  default Snapshot fetch() throws SourceException {
    return read(resolve());
  }

  /** A short description for logs: URL, ref and path. Never contains credentials. */
  String describe();

  /**
   * Whether a push of {@code ref} (e.g. {@code refs/heads/main}) to {@code repositoryUrl} may
   * change what this source resolves to; webhooks use it to find the applications to trigger.
   */
  default boolean follows(String repositoryUrl, String ref) {
    return false;
  }
}
