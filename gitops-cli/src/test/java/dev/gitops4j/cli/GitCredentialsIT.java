package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git credentials from the command line against real Git servers on 127.0.0.1: JGit's HTTP server
 * (one context behind basic authentication, one behind a token as forges check it) and JGit's SSH
 * server with its own host key. The target is this machine's files (host target, local transport),
 * so "nothing applied" is a plain file check.
 */
class GitCredentialsIT {

  private static final String TOKEN = "tok-3f9a1c-right";
  private static final String WRONG = "tok-0000-wrong";

  @TempDir static Path tmp;
  private static GitRepoFixture repo;
  private static AppServer http;
  private static SshTestGitServer ssh;
  private static int sshPort;
  private static KeyPair hostKey;
  private static Path userKeyFile;

  @TempDir Path dir;

  @BeforeAll
  static void startServers() throws Exception {
    repo = GitRepoFixture.create(tmp.resolve("repo"));
    repo.commit(
        "motd", Map.of("host.yaml", "resources:\n  - file: /etc/motd\n    content: hello\n"));
    Repository served = repo.git().getRepository();

    http = new AppServer(0);
    ServletContextHandler basic = http.addContext("/basic");
    basic.addServlet(new ServletHolder(gitServlet(served)), "/*");
    http.authBasic(basic);
    ServletContextHandler token = http.addContext("/token");
    token.addServlet(new ServletHolder(gitServlet(served)), "/*");
    token.addFilter(new FilterHolder(tokenCheck()), "/*", EnumSet.of(DispatcherType.REQUEST));
    http.setUp();

    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    hostKey = generator.generateKeyPair();
    KeyPair userKey = generator.generateKeyPair();
    userKeyFile = tmp.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(userKeyFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "gitops4j", null, out);
    }
    ssh = new SshTestGitServer("git", userKey.getPublic(), served, hostKey);
    sshPort = ssh.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (ssh != null) {
      ssh.stop();
    }
    if (http != null) {
      http.tearDown();
    }
    if (repo != null) {
      repo.close();
    }
  }

  private static GitServlet gitServlet(Repository served) {
    GitServlet servlet = new GitServlet();
    servlet.setRepositoryResolver(
        (request, name) -> {
          if (!name.equals("repo.git")) {
            throw new RepositoryNotFoundException(name);
          }
          served.incrementOpen();
          return served;
        });
    return servlet;
  }

  // What GitHub, GitLab and Gitea accept: the token as basic-auth password.
  private static Filter tokenCheck() {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    return (request, response, chain) -> {
      String given = ((HttpServletRequest) request).getHeader("Authorization");
      if (expected.equals(given)) {
        chain.doFilter(request, response);
        return;
      }
      HttpServletResponse reply = (HttpServletResponse) response;
      reply.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
      reply.sendError(401);
    };
  }

  private String url(String context) {
    return http.getURI() + "/" + context + "/repo.git";
  }

  private Run run(Map<String, String> env, String command, String url, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--repo",
                url,
                "--name",
                "motd",
                "--target",
                "host",
                "-O",
                "root=" + dir.resolve("root"),
                "--state-dir",
                dir.resolve("state").toString()));
    args.addAll(List.of(more));
    return Run.of(env, args.toArray(String[]::new));
  }

  private Path motd() {
    return dir.resolve("root/etc/motd");
  }

  @Test
  void httpsTokenFromAnEnvironmentVariableOrAFile() throws Exception {
    Run wrong = run(Map.of("CI_TOKEN", WRONG), "sync", url("token"), "--git-token-env", "CI_TOKEN");
    assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(Main.ERROR);
    assertThat(wrong.out())
        .contains("motd: FAILED")
        .contains("not authorized")
        .contains("(Git credentials: token from environment variable CI_TOKEN)");
    assertThat(wrong.toString()).doesNotContain(WRONG);
    assertThat(motd()).as("nothing applied").doesNotExist();

    Run unset = run(Map.of(), "plan", url("token"), "--git-token-env", "CI_TOKEN");
    assertThat(unset.exitCode()).isEqualTo(Main.ERROR);
    assertThat(unset.err()).contains("environment variable CI_TOKEN is not set");

    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Run plan = run(Map.of(), "plan", url("token"), "--git-token-file", tokenFile.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);
    assertThat(plan.out()).contains("motd: OUT_OF_SYNC").contains("1 to create");
    Run sync = run(Map.of("T", TOKEN), "sync", url("token"), "--git-token-env", "T");
    assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.OK);
    assertThat(motd()).hasContent("hello");
    assertThat(plan.toString() + sync).doesNotContain(TOKEN);
  }

  @Test
  void basicUserAndPasswordFromAConfigFile() throws Exception {
    Path password = Files.writeString(dir.resolve("password"), AppServer.password + "\n");
    Path config =
        Files.writeString(
            dir.resolve("gitops4j.yaml"),
            "applications:\n"
                + "  - name: motd\n"
                + "    source:\n"
                + "      url: "
                + url("basic")
                + "\n"
                + "      auth: {username: "
                + AppServer.username
                + ", passwordFile: "
                + password
                + "}\n"
                + "    target: {type: host, options: {root: "
                + dir.resolve("root")
                + "}}\n");
    String[] args = {"--config", config.toString(), "--state-dir", dir.resolve("state").toString()};
    Run plan = Run.of(concat("plan", args));
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);

    // The same user with a wrong password from the environment, as a flag override.
    Run wrong =
        Run.of(
            Map.of("PW", "not-" + AppServer.password),
            concat(
                "sync",
                concat(args, "--git-user", AppServer.username, "--git-password-env", "PW")));
    assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(Main.ERROR);
    assertThat(wrong.out()).contains("not authorized");
    assertThat(motd()).doesNotExist();
  }

  @Test
  void sshKeyWithStrictKnownHosts() throws Exception {
    String url = "ssh://git@127.0.0.1:" + sshPort + "/repo.git";
    Path knownHosts =
        Files.writeString(
            dir.resolve("known_hosts"),
            "[127.0.0.1]:" + sshPort + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
    Run plan =
        run(
            Map.of(),
            "plan",
            url,
            "--git-ssh-key",
            userKeyFile.toString(),
            "--git-known-hosts",
            knownHosts.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);
    assertThat(plan.out()).contains("motd: OUT_OF_SYNC");

    Path empty = Files.writeString(dir.resolve("known_hosts_empty"), "");
    Run refused =
        run(
            Map.of(),
            "sync",
            url,
            "--git-ssh-key",
            userKeyFile.toString(),
            "--git-known-hosts",
            empty.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(Main.ERROR);
    assertThat(refused.out()).containsIgnoringCase("host key");
    assertThat(motd()).doesNotExist();
  }

  private static String[] concat(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
