package dev.gitops4j.source;

import dev.gitops4j.internal.Digests;
import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.internal.CommitReader;
import dev.gitops4j.source.internal.CredentialRedactor;
import dev.gitops4j.source.internal.GitErrors;
import dev.gitops4j.source.internal.GitRemote;
import dev.gitops4j.source.internal.IsolatedSystemReader;
import dev.gitops4j.source.internal.RefSelection;
import dev.gitops4j.source.internal.SourcePaths;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Git repository as a {@link Source}, built on JGit.
 *
 * <pre>{@code
 * Source source = GitSource.builder("https://git.example.com/platform/deploy.git")
 *     .ref(GitRef.semver("^1.2"))
 *     .path("clusters/prod")
 *     .tokenAuth(System.getenv("GIT_TOKEN"))
 *     .build();
 * }</pre>
 *
 * <p>Each repository URL has a bare cache repository under the cache directory (by default {@code
 * ~/.cache/gitops4j/git/<hash of the URL>}), shared by every instance and pass and guarded by a
 * lock per directory. {@link #resolve()} costs one ls-remote round trip and fetches nothing; {@link
 * #read(String)} fetches only when the commit is not cached yet (depth 1 unless {@link
 * Builder#shallow(boolean) shallow(false)}) and reads the tree straight from the object database.
 *
 * <p>The user's and the system's Git configuration are ignored, as are {@code ~/.ssh/config} and
 * the default SSH keys: only what is set on the builder applies. SSH host keys are checked strictly
 * against the configured known_hosts file. Credentials never appear in {@link #describe()}, logs or
 * exception messages.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GitSource implements Source {

  private static final Logger LOG = LoggerFactory.getLogger(GitSource.class);

  private final String url;
  private final String displayUrl;
  private final GitRef ref;
  private final String path;
  private final Path cacheDir;
  private final boolean shallow;
  private final CredentialRedactor redactor;
  private final GitRemote remote;
  private final CommitReader commits;

  /** What the last semver resolve selected, so read() can fetch just that tag. */
  private final AtomicReference<RefSelection.Selected> lastTag = new AtomicReference<>();

  private GitSource(Builder b) {
    this.url = b.url;
    this.displayUrl = b.displayUrl;
    this.ref = b.ref;
    this.path = b.path;
    this.cacheDir = b.cacheRoot.resolve(hash(b.displayUrl));
    this.shallow = b.shallow;
    this.redactor = new CredentialRedactor(java.util.Arrays.asList(b.password, b.username));
    this.remote =
        new GitRemote(
            b.url,
            b.displayUrl,
            describe(),
            b.cacheRoot,
            cacheDir,
            b.timeout,
            b.username,
            b.password,
            b.ssh,
            b.sshKeys,
            b.knownHosts,
            redactor);
    this.commits = new CommitReader(b.signaturePolicy, b.path, b.limits, describe());
  }

  /**
   * Starts a builder for the repository at {@code url}: {@code https://}, {@code http://}, {@code
   * ssh://}, {@code git://} or {@code file://}. A password in the URL is used as HTTP credential
   * and removed from the URL.
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The bare cache repository of this source's URL. */
  public Path cacheDirectory() {
    return cacheDir;
  }

  public GitRef ref() {
    return ref;
  }

  /** The sub-path read, {@code ""} for the repository root. */
  public String path() {
    return path;
  }

  @Override
  public String describe() {
    return "git " + displayUrl + " " + ref.describe() + (path.isEmpty() ? "" : " path " + path);
  }

  @Override
  public String toString() {
    return describe();
  }

  /** A push to the same repository of the followed branch or tag, or of any tag for a range. */
  @Override
  public boolean follows(String repositoryUrl, String pushedRef) {
    if (!RepositoryUrl.same(url, repositoryUrl)) {
      return false;
    }
    if (ref instanceof GitRef.Branch branch) {
      return pushedRef.equals("refs/heads/" + branch.name());
    }
    if (ref instanceof GitRef.Tag tag) {
      return pushedRef.equals("refs/tags/" + tag.name());
    }
    return ref instanceof GitRef.Semver && pushedRef.startsWith("refs/tags/");
  }

  @Override
  public String resolve() throws SourceException {
    if (ref instanceof GitRef.Commit commit) {
      return commit.id();
    }
    try (IsolatedSystemReader.Scope scope = IsolatedSystemReader.enter();
        Repository repo = remote.openCache()) {
      RefSelection.Selected selected = RefSelection.select(ref, remote.lsRemote(repo), displayUrl);
      if (selected.tag() != null) {
        lastTag.set(selected);
      }
      LOG.debug("{} resolved to {}", describe(), selected.revision());
      return selected.revision();
    } catch (SourceException e) {
      throw e;
    } catch (Exception e) {
      throw GitErrors.map(e, "ls-remote", describe(), redactor);
    }
  }

  @Override
  public Snapshot read(String revision) throws SourceException {
    Objects.requireNonNull(revision, "revision");
    if (!ObjectId.isId(revision)) {
      throw new SourceException(
          Reason.NOT_FOUND, "'" + revision + "' is not a full commit id (" + describe() + ")");
    }
    ObjectId id = ObjectId.fromString(revision);
    try (IsolatedSystemReader.Scope scope = IsolatedSystemReader.enter();
        Repository repo = remote.openCache()) {
      if (!repo.getObjectDatabase().has(id)) {
        remote.fetch(repo, id, RefSelection.refSpecs(ref, id, lastTag.get()), shallow);
      }
      return commits.read(repo, id);
    } catch (SourceException e) {
      throw e;
    } catch (Exception e) {
      throw GitErrors.map(e, "read", describe(), redactor);
    }
  }

  private static String hash(String displayUrl) {
    return Digests.sha256Hex(displayUrl).substring(0, 32);
  }

  /** Builder for {@link GitSource}; {@link #build()} checks the combination. */
  public static final class Builder {
    private final String url;
    private final String displayUrl;
    private final boolean ssh;
    private GitRef ref = GitRef.branch("main");
    private String path = "";
    private Path cacheRoot = defaultCacheRoot();
    private boolean shallow = true;
    private Duration timeout = Duration.ofSeconds(60);
    private SourceLimits limits = SourceLimits.ofDefaults();
    private SignaturePolicy signaturePolicy = SignaturePolicy.none();
    private String username;
    private String password;
    private final List<Path> sshKeys = new ArrayList<>();
    private Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");

    private Builder(String rawUrl) {
      Objects.requireNonNull(rawUrl, "url");
      URIish parsed;
      try {
        parsed = new URIish(rawUrl.strip());
      } catch (URISyntaxException e) {
        // The message would repeat the URL, which may hold a password.
        throw new IllegalArgumentException(
            "not a Git URL: " + new CredentialRedactor(List.of()).redact(rawUrl));
      }
      if (parsed.getPass() != null) {
        this.username = parsed.getUser();
        this.password = parsed.getPass();
        parsed = parsed.setPass(null).setUser(null);
      }
      this.url = parsed.toPrivateString();
      this.displayUrl = parsed.toString();
      String scheme = parsed.getScheme();
      this.ssh =
          scheme == null
              ? parsed.getHost() != null // scp-like user@host:path
              : scheme.equals("ssh") || scheme.equals("git+ssh") || scheme.equals("ssh+git");
    }

    private static Path defaultCacheRoot() {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".cache");
      return base.resolve("gitops4j").resolve("git");
    }

    /** What to follow; defaults to branch {@code main}. */
    public Builder ref(GitRef ref) {
      this.ref = Objects.requireNonNull(ref, "ref");
      return this;
    }

    /** Sub-directory of the repository to read; defaults to the root. */
    public Builder path(String path) {
      this.path = SourcePaths.normalizeSubPath(path);
      return this;
    }

    /** Root of the cache; each repository URL gets its own directory below it. */
    public Builder cacheDir(Path cacheRoot) {
      this.cacheRoot = Objects.requireNonNull(cacheRoot, "cacheRoot").toAbsolutePath();
      return this;
    }

    /** Fetch depth 1 (default {@code true}); {@code false} fetches full history. */
    public Builder shallow(boolean shallow) {
      this.shallow = shallow;
      return this;
    }

    /** Timeout of each network operation; default 60 s. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("timeout must be at least 1 second, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder limits(SourceLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder signaturePolicy(SignaturePolicy policy) {
      this.signaturePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** HTTP(S) basic authentication. */
    public Builder basicAuth(String username, String password) {
      this.username = requireText(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * HTTP(S) token authentication, sent as the basic-auth password with user {@code
     * x-access-token}, which GitHub, GitLab, Gitea and Bitbucket accept.
     */
    public Builder tokenAuth(String token) {
      this.username = "x-access-token";
      this.password = requireText(token, "token");
      return this;
    }

    /** A private key file for SSH public key authentication; may be called more than once. */
    public Builder sshKey(Path privateKey) {
      sshKeys.add(Objects.requireNonNull(privateKey, "privateKey").toAbsolutePath());
      return this;
    }

    /**
     * The known_hosts file SSH host keys are checked against; default {@code ~/.ssh/known_hosts}.
     */
    public Builder knownHosts(Path knownHosts) {
      this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts").toAbsolutePath();
      return this;
    }

    public GitSource build() {
      if (ssh && sshKeys.isEmpty()) {
        throw new IllegalStateException("SSH URL " + displayUrl + " needs at least one sshKey(..)");
      }
      if (!ssh && !sshKeys.isEmpty()) {
        throw new IllegalStateException("sshKey(..) given for non-SSH URL " + displayUrl);
      }
      for (Path key : sshKeys) {
        if (!Files.isReadable(key)) {
          throw new IllegalStateException("SSH key " + key + " is not readable");
        }
      }
      return new GitSource(this);
    }

    private static String requireText(String value, String name) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }
  }
}
