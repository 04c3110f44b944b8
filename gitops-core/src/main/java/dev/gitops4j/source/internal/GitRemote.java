package dev.gitops4j.source.internal;

import dev.gitops4j.source.GitSource;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.source.SourceException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote repository of a {@link GitSource} and its bare cache repository: creating the cache,
 * ls-remote and fetch under the cache lock, with the source's credentials and an SSH setup isolated
 * from the user's own.
 */
public final class GitRemote {

  // Logged under GitSource, the logger name operators configure.
  private static final Logger LOG = LoggerFactory.getLogger(GitSource.class);

  private static final String CACHE_REF_PREFIX = "refs/gitops4j/";

  private final String url;
  private final String displayUrl;
  private final String describe;
  private final Path cacheRoot;
  private final Path cacheDir;
  private final Duration timeout;
  private final String username;
  private final String password;
  private final boolean ssh;
  private final List<Path> sshKeys;
  private final Path knownHosts;
  private final CredentialRedactor redactor;

  /**
   * @param url the URL fetched from, credentials removed
   * @param displayUrl the URL as shown in messages
   * @param describe the source's description for messages (free of credentials)
   * @param cacheRoot the cache directory shared by all sources
   * @param cacheDir the cache repository of this URL, under {@code cacheRoot}
   * @param timeout the timeout of each network operation
   * @param username the HTTP user, or null
   * @param password the HTTP password or token, or null
   * @param ssh whether the URL is an SSH URL
   * @param sshKeys the SSH private keys offered
   * @param knownHosts the known_hosts file SSH host keys are checked against
   * @param redactor removes the credentials from error messages
   */
  public GitRemote(
      String url,
      String displayUrl,
      String describe,
      Path cacheRoot,
      Path cacheDir,
      Duration timeout,
      String username,
      String password,
      boolean ssh,
      List<Path> sshKeys,
      Path knownHosts,
      CredentialRedactor redactor) {
    this.url = url;
    this.displayUrl = displayUrl;
    this.describe = describe;
    this.cacheRoot = cacheRoot;
    this.cacheDir = cacheDir;
    this.timeout = timeout;
    this.username = username;
    this.password = password;
    this.ssh = ssh;
    this.sshKeys = List.copyOf(sshKeys);
    this.knownHosts = knownHosts;
    this.redactor = redactor;
  }

  /** Opens the cache repository, creating it under the cache lock if it does not exist yet. */
  public Repository openCache() throws IOException {
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

  /** The refs the remote advertises (one round trip, nothing fetched). */
  public Map<String, Ref> lsRemote(Repository repo) throws Exception {
    try (SshdSessionFactory sshFactory = sshFactory()) {
      LsRemoteCommand ls = Git.wrap(repo).lsRemote().setRemote(url);
      configure(ls, sshFactory);
      return ls.callAsMap();
    }
  }

  /**
   * Fetches until {@code id} is in the cache: {@code refSpecs} (the followed ref) first, then by
   * id, then all branches and tags.
   *
   * @param shallow whether the first two fetches ask for depth 1
   */
  public void fetch(Repository repo, ObjectId id, List<String> refSpecs, boolean shallow)
      throws Exception {
    try (CacheLock lock = CacheLock.acquire(cacheDir, lockTimeoutMillis());
        SshdSessionFactory sshFactory = sshFactory()) {
      if (repo.getObjectDatabase().has(id)) {
        return; // another instance fetched it while we waited
      }
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
        SourceException mapped = GitErrors.map(e, "fetch", describe, redactor);
        if (mapped.reason() == Reason.AUTH_FAILED) {
          throw mapped;
        }
        // Servers may refuse ids they do not advertise; the full fetch below settles it.
        LOG.debug("{}: fetching {} by id failed: {}", describe, id.name(), mapped.getMessage());
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

  private void runFetch(
      Repository repo, SshdSessionFactory sshFactory, List<String> refSpecs, boolean depthOne)
      throws Exception {
    LOG.info("{}: fetching {}{}", describe, refSpecs, depthOne ? " (depth 1)" : "");
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
}
