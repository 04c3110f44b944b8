package dev.gitops4j.source;

import dev.gitops4j.internal.Digests;
import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.internal.CacheLock;
import dev.gitops4j.source.internal.CommitPayload;
import dev.gitops4j.source.internal.CredentialRedactor;
import dev.gitops4j.source.internal.GitErrors;
import dev.gitops4j.source.internal.IsolatedSystemReader;
import dev.gitops4j.source.internal.SemverRange;
import dev.gitops4j.source.internal.SemverRange.Version;
import dev.gitops4j.source.internal.SourcePaths;
import dev.gitops4j.source.internal.StrictKnownHosts;
import dev.gitops4j.source.internal.TreeReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
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

  private static final String CACHE_REF_PREFIX = "refs/gitops4j/";

  private final String url;
  private final String displayUrl;
  private final boolean ssh;
  private final GitRef ref;
  private final String path;
  private final Path cacheRoot;
  private final Path cacheDir;
  private final boolean shallow;
  private final Duration timeout;
  private final SourceLimits limits;
  private final SignaturePolicy signaturePolicy;
  private final String username;
  private final String password;
  private final List<Path> sshKeys;
  private final Path knownHosts;
  private final CredentialRedactor redactor;

  /** The tag the last semver resolve picked, so read() can fetch just that tag. */
  private final AtomicReference<Map.Entry<String, String>> lastTag = new AtomicReference<>();

  private GitSource(Builder b) {
    this.url = b.url;
    this.displayUrl = b.displayUrl;
    this.ssh = b.ssh;
    this.ref = b.ref;
    this.path = b.path;
    this.cacheRoot = b.cacheRoot;
    this.cacheDir = b.cacheRoot.resolve(hash(b.displayUrl));
    this.shallow = b.shallow;
    this.timeout = b.timeout;
    this.limits = b.limits;
    this.signaturePolicy = b.signaturePolicy;
    this.username = b.username;
    this.password = b.password;
    this.sshKeys = List.copyOf(b.sshKeys);
    this.knownHosts = b.knownHosts;
    this.redactor = new CredentialRedactor(java.util.Arrays.asList(b.password, b.username));
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
        Repository repo = openCache();
        SshdSessionFactory sshFactory = sshFactory()) {
      LsRemoteCommand ls = Git.wrap(repo).lsRemote().setRemote(url);
      configure(ls, sshFactory);
      Map<String, Ref> refs = ls.callAsMap();
      String revision = pick(refs);
      LOG.debug("{} resolved to {}", describe(), revision);
      return revision;
    } catch (SourceException e) {
      throw e;
    } catch (Exception e) {
      throw GitErrors.map(e, "ls-remote", describe(), redactor);
    }
  }

  private String pick(Map<String, Ref> refs) throws SourceException {
    if (ref instanceof GitRef.Branch branch) {
      return idOf(refs.get(Constants.R_HEADS + branch.name()), "branch '" + branch.name() + "'");
    }
    if (ref instanceof GitRef.Tag tag) {
      return idOf(refs.get(Constants.R_TAGS + tag.name()), "tag '" + tag.name() + "'");
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
    String revision = idOf(refs.get(Constants.R_TAGS + bestTag), "tag '" + bestTag + "'");
    lastTag.set(Map.entry(revision, bestTag));
    return revision;
  }

  private String idOf(Ref found, String what) throws SourceException {
    if (found == null || found.getObjectId() == null) {
      throw new SourceException(Reason.NOT_FOUND, what + " not found in " + displayUrl);
    }
    ObjectId peeled = found.getPeeledObjectId();
    return (peeled != null ? peeled : found.getObjectId()).name();
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
        Repository repo = openCache()) {
      if (!repo.getObjectDatabase().has(id)) {
        fetch(repo, id);
      }
      return snapshot(repo, id);
    } catch (SourceException e) {
      throw e;
    } catch (Exception e) {
      throw GitErrors.map(e, "read", describe(), redactor);
    }
  }

  private Snapshot snapshot(Repository repo, ObjectId id) throws SourceException, IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevObject object = walk.peel(walk.parseAny(id));
      if (!(object instanceof RevCommit commit)) {
        throw new SourceException(
            Reason.NOT_FOUND, id.name() + " is not a commit (" + describe() + ")");
      }
      walk.parseBody(commit);
      CommitPayload payload = CommitPayload.split(commit.getRawBuffer());
      SignatureVerdict verdict = signaturePolicy.check(payload.payload(), payload.signature());
      if (!verdict.isAcceptable()) {
        LOG.warn(
            "{}: commit {} refused by signature policy: {}", describe(), commit.name(), verdict);
        throw new SourceException(
            Reason.SIGNATURE_REFUSED,
            "commit "
                + commit.name()
                + " of "
                + describe()
                + " refused by signature policy: "
                + verdict);
      }
      CommitInfo info =
          new CommitInfo(
              commit.name(),
              person(commit.getAuthorIdent()),
              person(commit.getCommitterIdent()),
              commit.getFullMessage(),
              verdict);
      List<SourceFile> files =
          new TreeReader(walk.getObjectReader(), commit.getTree(), path, limits).read();
      return new Snapshot(commit.name(), info, files);
    } catch (org.eclipse.jgit.errors.MissingObjectException e) {
      throw new SourceException(
          Reason.NOT_FOUND,
          "object " + e.getObjectId().name() + " missing in cache of " + describe());
    } catch (SourceException e) {
      if (e.reason() == Reason.NOT_FOUND
          || e.reason() == Reason.LIMIT_EXCEEDED
          || e.reason() == Reason.UNSAFE_CONTENT) {
        // Name the source, keep the path-specific detail.
        throw new SourceException(
            e.reason(), describe() + " at " + id.name() + ": " + e.getMessage());
      }
      throw e;
    }
  }

  private static Person person(PersonIdent ident) {
    return ident == null
        ? null
        : new Person(ident.getName(), ident.getEmailAddress(), ident.getWhenAsInstant());
  }

  /** Fetches until {@code id} is in the cache: the followed ref first, then by id, then all. */
  private void fetch(Repository repo, ObjectId id) throws Exception {
    try (CacheLock lock = CacheLock.acquire(cacheDir, lockTimeoutMillis());
        SshdSessionFactory sshFactory = sshFactory()) {
      if (repo.getObjectDatabase().has(id)) {
        return; // another instance fetched it while we waited
      }
      List<String> refSpecs = refSpecsFor(id);
      if (!refSpecs.isEmpty()) {
        runFetch(repo, sshFactory, refSpecs, shallow);
        if (repo.getObjectDatabase().has(id)) {
          return;
        }
      }
      // The ref moved on since resolve(), or a commit is pinned: ask for the id itself.
      try {
        runFetch(
            repo,
            sshFactory,
            List.of(id.name() + ":" + CACHE_REF_PREFIX + "commits/" + id.name()),
            shallow);
        if (repo.getObjectDatabase().has(id)) {
          return;
        }
      } catch (Exception e) {
        SourceException mapped = GitErrors.map(e, "fetch", describe(), redactor);
        if (mapped.reason() == Reason.AUTH_FAILED) {
          throw mapped;
        }
        // Servers may refuse ids they do not advertise; the full fetch below settles it.
        LOG.debug("{}: fetching {} by id failed: {}", describe(), id.name(), mapped.getMessage());
      }
      runFetch(
          repo,
          sshFactory,
          List.of("+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"),
          false);
      if (!repo.getObjectDatabase().has(id)) {
        throw new SourceException(
            Reason.NOT_FOUND, "commit " + id.name() + " not found in " + displayUrl);
      }
    }
  }

  private List<String> refSpecsFor(ObjectId id) {
    if (ref instanceof GitRef.Branch branch) {
      return List.of("+refs/heads/" + branch.name() + ":refs/remotes/origin/" + branch.name());
    }
    if (ref instanceof GitRef.Tag tag) {
      return List.of("+refs/tags/" + tag.name() + ":refs/tags/" + tag.name());
    }
    if (ref instanceof GitRef.Semver) {
      Map.Entry<String, String> last = lastTag.get();
      if (last != null && last.getKey().equals(id.name())) {
        return List.of("+refs/tags/" + last.getValue() + ":refs/tags/" + last.getValue());
      }
      return List.of("+refs/tags/*:refs/tags/*");
    }
    return List.of();
  }

  private void runFetch(
      Repository repo, SshdSessionFactory sshFactory, List<String> refSpecs, boolean depthOne)
      throws Exception {
    LOG.info("{}: fetching {}{}", describe(), refSpecs, depthOne ? " (depth 1)" : "");
    FetchCommand fetch =
        Git.wrap(repo)
            .fetch()
            .setRemote(url)
            .setRefSpecs(refSpecs.toArray(String[]::new))
            .setTagOpt(TagOpt.NO_TAGS)
            .setRemoveDeletedRefs(false);
    if (depthOne) {
      fetch.setDepth(1);
    }
    configure(fetch, sshFactory);
    fetch.call();
  }

  private void configure(TransportCommand<?, ?> command, SshdSessionFactory sshFactory) {
    command.setTimeout((int) Math.max(1, timeout.toSeconds()));
    if (username != null) {
      command.setCredentialsProvider(
          new UsernamePasswordCredentialsProvider(username, password == null ? "" : password));
    }
    command.setTransportConfigCallback(
        transport -> {
          if (transport instanceof SshTransport sshTransport) {
            if (sshFactory == null) {
              throw new IllegalStateException("SSH transport without SSH settings");
            }
            sshTransport.setSshSessionFactory(sshFactory);
          }
        });
  }

  private long lockTimeoutMillis() {
    // Another holder fetches with the same timeout; allow a few of its fetches.
    return timeout.toMillis() * 4;
  }

  private Repository openCache() throws IOException {
    Repository repo = new FileRepositoryBuilder().setGitDir(cacheDir.toFile()).setBare().build();
    if (!repo.getObjectDatabase().exists()) {
      try (CacheLock lock = CacheLock.acquire(cacheDir, lockTimeoutMillis())) {
        if (!Files.exists(cacheDir.resolve("objects"))) {
          LOG.debug("creating cache repository {} for {}", cacheDir, displayUrl);
          repo.create(true);
          StoredConfig config = repo.getConfig();
          // Run gc inside the fetch, under the cache lock, never in a background thread.
          config.setBoolean("gc", null, "autoDetach", false);
          config.save();
        }
      }
    }
    return repo;
  }

  /** A session factory isolated from ~/.ssh, or null for non-SSH URLs. */
  private SshdSessionFactory sshFactory() throws IOException {
    if (!ssh) {
      return null;
    }
    Path home = cacheRoot.resolve(".ssh-home");
    Path sshDir = home.resolve(".ssh");
    Files.createDirectories(sshDir);
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(home.toFile())
        .setSshDirectory(sshDir.toFile())
        .setConfigStoreFactory((h, f, u) -> null)
        .setDefaultIdentities(dir -> sshKeys)
        .setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
        .setServerKeyDatabase((h, s) -> new StrictKnownHosts(knownHosts))
        .setPreferredAuthentications("publickey")
        .build(null);
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
