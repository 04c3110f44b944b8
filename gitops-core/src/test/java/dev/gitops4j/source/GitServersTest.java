package dev.gitops4j.source;

import static dev.gitops4j.source.TestRepo.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.source.SourceException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AccessEvent;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitSource against real servers on 127.0.0.1: git daemon, JGit's HTTP server and SSH server. */
class GitServersTest {

  @TempDir Path tmp;

  @Test
  void gitDaemonServesBranchTagAndSubPath() throws Exception {
    Path base = tmp.resolve("served");
    try (TestRepo remote = TestRepo.create(base.resolve("deploy.git"));
        GitDaemon daemon = GitDaemon.start(base)) {
      String first = remote.commit("main", files("apps/a.yaml", "a: 1", "other/x", "x"), "one");
      remote.annotatedTag("v1.0.0", first);
      String second = remote.commit("main", files("apps/a.yaml", "a: 2", "other/x", "x"), "two");

      GitSource branch =
          GitSource.builder(daemon.url("deploy.git"))
              .cacheDir(tmp.resolve("cache"))
              .path("apps")
              .build();
      assertThat(branch.resolve()).isEqualTo(second);
      Snapshot snapshot = branch.fetch();
      assertThat(snapshot.files()).extracting(SourceFile::path).containsExactly("a.yaml");
      assertThat(new String(snapshot.files().get(0).content(), StandardCharsets.UTF_8))
          .isEqualTo("a: 2");

      // Unchanged remote: resolve answers without fetching anything.
      List<String> objects = TestRepo.objectFiles(branch.cacheDirectory());
      assertThat(branch.resolve()).isEqualTo(second);
      assertThat(TestRepo.objectFiles(branch.cacheDirectory())).isEqualTo(objects);

      GitSource semver =
          GitSource.builder(daemon.url("deploy.git"))
              .cacheDir(tmp.resolve("cache"))
              .ref(GitRef.semver("^1.0"))
              .build();
      assertThat(semver.resolve()).isEqualTo(first);
      assertThat(semver.fetch().file("apps/a.yaml").orElseThrow().content())
          .isEqualTo("a: 1".getBytes());

      // An older, non-tip commit pinned by id is fetched from the daemon too.
      GitSource pinned =
          GitSource.builder(daemon.url("deploy.git"))
              .cacheDir(tmp.resolve("cache-pinned"))
              .ref(GitRef.commit(first))
              .build();
      assertThat(pinned.fetch().revision()).isEqualTo(first);

      GitSource missing =
          GitSource.builder(daemon.url("absent.git")).cacheDir(tmp.resolve("cache")).build();
      assertThatThrownBy(missing::resolve)
          .isInstanceOfSatisfying(
              SourceException.class,
              e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.NOT_FOUND));
    }
  }

  @Test
  void unreachableServerIsRetryable() throws Exception {
    int port = GitDaemon.freePort(); // nothing listens there
    GitSource source =
        GitSource.builder("git://127.0.0.1:" + port + "/repo.git")
            .cacheDir(tmp.resolve("cache"))
            .build();
    assertThatThrownBy(source::resolve)
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
              assertThat(e.isRetryable()).isTrue();
            });
  }

  @Test
  void httpWithBasicAuth() throws Exception {
    try (TestRepo remote = TestRepo.create(tmp.resolve("repo.git"))) {
      String id = remote.commit("main", files("app.yaml", "a"), "one");
      AppServer server = new AppServer(0);
      ServletContextHandler context = server.addContext("/git");
      GitServlet servlet = new GitServlet();
      Repository served = remote.repo;
      servlet.setRepositoryResolver(
          (request, name) -> {
            if (!name.equals("repo.git")) {
              throw new RepositoryNotFoundException(name);
            }
            served.incrementOpen();
            return served;
          });
      context.addServlet(new ServletHolder(servlet), "/*");
      server.authBasic(context);
      server.setUp();
      try {
        String url = server.getURI() + "/git/repo.git";
        assertThat(url).startsWith("http://127.0.0.1:");

        GitSource good =
            GitSource.builder(url)
                .cacheDir(tmp.resolve("cache"))
                .basicAuth(AppServer.username, AppServer.password)
                .build();
        assertThat(good.resolve()).isEqualTo(id);
        assertThat(good.fetch().files()).hasSize(1);

        // resolve() with no new commit only lists refs: no pack is requested.
        int packsBefore = uploadPackPosts(server);
        assertThat(good.resolve()).isEqualTo(id);
        assertThat(uploadPackPosts(server)).isLessThanOrEqualTo(packsBefore + 1);
        assertThat(TestRepo.objectFiles(good.cacheDirectory())).isNotEmpty();

        String secret = "wr0ng-Passw0rd";
        GitSource bad =
            GitSource.builder(url)
                .cacheDir(tmp.resolve("cache"))
                .basicAuth(AppServer.username, secret)
                .build();
        assertThatThrownBy(bad::resolve)
            .isInstanceOfSatisfying(
                SourceException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED);
                  assertThat(e.getMessage())
                      .doesNotContain(secret)
                      .contains("127.0.0.1")
                      .contains("not authorized");
                  assertThat(e.getCause()).isNull();
                });
        assertThat(bad.describe()).doesNotContain(secret);

        GitSource inUrl =
            GitSource.builder(
                    url.replace("http://", "http://" + AppServer.username + ":" + secret + "@"))
                .cacheDir(tmp.resolve("cache"))
                .build();
        assertThat(inUrl.describe()).doesNotContain(secret);
        assertThatThrownBy(inUrl::fetch)
            .isInstanceOfSatisfying(
                SourceException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED);
                  assertThat(e.getMessage()).doesNotContain(secret);
                });

        GitSource anonymous = GitSource.builder(url).cacheDir(tmp.resolve("cache")).build();
        assertThatThrownBy(anonymous::resolve)
            .extracting(e -> ((SourceException) e).reason())
            .isEqualTo(Reason.AUTH_FAILED);
      } finally {
        server.tearDown();
      }
    }
  }

  private static int uploadPackPosts(AppServer server) {
    int count = 0;
    for (AccessEvent event : server.getRequests()) {
      if (event.getMethod().equals("POST") && event.getPath().endsWith("git-upload-pack")) {
        count++;
      }
    }
    return count;
  }

  @Test
  void sshWithKeyAndStrictKnownHosts() throws Exception {
    try (TestRepo remote = TestRepo.create(tmp.resolve("repo.git"))) {
      String id = remote.commit("main", files("app.yaml", "a"), "one");
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      KeyPair hostKey = generator.generateKeyPair();
      KeyPair userKey = generator.generateKeyPair();
      KeyPair otherHostKey = generator.generateKeyPair();
      Path userKeyFile = tmp.resolve("id_ecdsa");
      try (var out = Files.newOutputStream(userKeyFile)) {
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "test", null, out);
      }

      SshTestGitServer server =
          new SshTestGitServer("git", userKey.getPublic(), remote.repo, hostKey);
      int port = server.start();
      try {
        String url = "ssh://git@127.0.0.1:" + port + "/repo.git";
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(
            knownHosts,
            "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");

        GitSource good =
            GitSource.builder(url)
                .cacheDir(tmp.resolve("cache"))
                .sshKey(userKeyFile)
                .knownHosts(knownHosts)
                .build();
        assertThat(good.resolve()).isEqualTo(id);
        assertThat(good.fetch().files()).extracting(SourceFile::path).containsExactly("app.yaml");

        // Host key unknown: refused, even though the user key is fine.
        Path wrongHosts = tmp.resolve("known_hosts_wrong");
        Files.writeString(
            wrongHosts,
            "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(otherHostKey.getPublic()) + "\n");
        for (Path hosts : List.of(wrongHosts, tmp.resolve("known_hosts_missing"))) {
          GitSource refused =
              GitSource.builder(url)
                  .cacheDir(tmp.resolve("cache-refused"))
                  .sshKey(userKeyFile)
                  .knownHosts(hosts)
                  .build();
          assertThatThrownBy(refused::resolve)
              .isInstanceOfSatisfying(
                  SourceException.class,
                  e -> {
                    assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED);
                    assertThat(e.getMessage()).containsIgnoringCase("host key");
                  });
        }
        assertThat(Files.readString(wrongHosts))
            .doesNotContain(PublicKeyEntry.toString(hostKey.getPublic()));

        // Wrong user key: authentication fails.
        Path otherUserKey = tmp.resolve("id_other");
        try (var out = Files.newOutputStream(otherUserKey)) {
          OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
              generator.generateKeyPair(), "x", null, out);
        }
        GitSource wrongKey =
            GitSource.builder(url)
                .cacheDir(tmp.resolve("cache"))
                .sshKey(otherUserKey)
                .knownHosts(knownHosts)
                .build();
        assertThatThrownBy(wrongKey::resolve)
            .extracting(e -> ((SourceException) e).reason())
            .isEqualTo(Reason.AUTH_FAILED);
      } finally {
        server.stop();
      }
    }
  }
}
