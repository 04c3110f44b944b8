package dev.gitops4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real peers that integration tests run against, provisioned by {@code scripts/testbed}:
 * kube-apiserver and etcd, OpenTofu with providers in an offline mirror, git, sshd and PostgreSQL.
 *
 * <p>{@link #get()} reads the environment file the script writes ({@code
 * $GITOPS4J_TESTBED_DIR/env}, default {@code ~/.cache/gitops4j/testbed/env}). A missing peer is an
 * error telling to run {@code scripts/testbed}: integration tests fail, they never skip.
 *
 * <p>Servers started here listen on 127.0.0.1 on a free port and stop when closed.
 */
public final class Testbed {

  private static final String HINT = "run scripts/testbed";

  private final Path directory;
  private final Map<String, String> env;

  private Testbed(Path directory, Map<String, String> env) {
    this.directory = directory;
    this.env = env;
  }

  /** The provisioned testbed. */
  public static Testbed get() {
    String configured = System.getenv("GITOPS4J_TESTBED_DIR");
    Path dir =
        configured != null && !configured.isBlank()
            ? Paths.get(configured)
            : Paths.get(System.getProperty("user.home"), ".cache", "gitops4j", "testbed");
    Path file = dir.resolve("env");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("testbed not provisioned (" + file + " missing): " + HINT);
    }
    Map<String, String> env = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String trimmed = line.trim();
        int eq = trimmed.indexOf('=');
        if (trimmed.isEmpty() || trimmed.startsWith("#") || eq < 0) {
          continue;
        }
        env.put(trimmed.substring(0, eq), unquote(trimmed.substring(eq + 1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new Testbed(dir, env);
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** The testbed's cache folder. */
  public Path directory() {
    return directory;
  }

  /** The OpenTofu binary. */
  public Path tofu() {
    return executable("GITOPS4J_TOFU", "OpenTofu");
  }

  /** CLI configuration that installs providers from the offline mirror only. */
  public Path tofuCliConfig() {
    return file("GITOPS4J_TOFU_CLI_CONFIG", "OpenTofu CLI configuration");
  }

  /** The helm binary. */
  public Path helm() {
    return executable("GITOPS4J_HELM", "helm");
  }

  /** The OCI registry binary ({@code registry serve CONFIG}). */
  public Path registry() {
    return executable("GITOPS4J_REGISTRY", "OCI registry");
  }

  /**
   * Starts the OCI registry on a free 127.0.0.1 port, storing under {@code dir} (without
   * OpenTelemetry export, which would otherwise send spans to localhost:4318).
   */
  public Server ociRegistry(Path dir) {
    return ociRegistry(dir, null);
  }

  /**
   * Like {@link #ociRegistry(Path)}, with basic authentication against {@code htpasswd} (bcrypt
   * entries) when not null. The storage under {@code dir} is kept between starts.
   */
  public Server ociRegistry(Path dir, Path htpasswd) {
    int port = freePort();
    Path config = dir.resolve("registry.yml");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          config,
          "version: 0.1\n"
              + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
              + "storage:\n  filesystem:\n    rootdirectory: "
              + dir.resolve("storage")
              + "\n  delete:\n    enabled: true\n"
              + "http:\n  addr: 127.0.0.1:"
              + port
              + "\n  secret: gitops4j-test\n"
              + (htpasswd == null
                  ? ""
                  : "auth:\n  htpasswd:\n    realm: gitops4j-test\n    path: " + htpasswd + "\n"),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Server.start(
        "OCI registry",
        List.of(registry().toString(), "serve", config.toString()),
        dir,
        port,
        Map.of("OTEL_TRACES_EXPORTER", "none"));
  }

  /** The sops binary, for encrypting test fixtures. */
  public Path sops() {
    return executable("GITOPS4J_SOPS", "sops");
  }

  /** The age binary. */
  public Path age() {
    return executable("GITOPS4J_AGE", "age");
  }

  /** The age-keygen binary. */
  public Path ageKeygen() {
    return executable("GITOPS4J_AGE_KEYGEN", "age-keygen");
  }

  /** Debian's headless-capable Chromium, for browser tests. */
  public Path chromium() {
    return executable("GITOPS4J_CHROMIUM", "Chromium");
  }

  /** The chromedriver of the same build as {@link #chromium()}. */
  public Path chromedriver() {
    return executable("GITOPS4J_CHROMEDRIVER", "chromedriver");
  }

  /** The Gitea binary, for a real Git forge ({@link GiteaServer}). */
  public Path gitea() {
    return executable("GITOPS4J_GITEA", "Gitea");
  }

  /** Gitea's static folder (options, templates, public), its {@code STATIC_ROOT_PATH}. */
  public Path giteaStaticRoot() {
    Path dir = Paths.get(require("GITOPS4J_GITEA_STATIC_ROOT", "Gitea static files"));
    if (!Files.isDirectory(dir.resolve("options"))) {
      throw new IllegalStateException("Gitea static files missing in " + dir + ": " + HINT);
    }
    return dir;
  }

  /** The gpg binary, for OpenPGP test keys. */
  public Path gpg() {
    return executable("GITOPS4J_GPG", "gpg");
  }

  /** The Terraform binary, when it could be built. */
  public Optional<Path> terraform() {
    String value = env.getOrDefault("GITOPS4J_TERRAFORM", "");
    return value.isBlank() ? Optional.empty() : Optional.of(Paths.get(value));
  }

  /** Folder laid out as fabric8 kube-api-test expects ({@code k8s/<version>-linux-amd64/}). */
  public Path kubeApiTestDirectory() {
    Path dir = Paths.get(require("KUBE_API_TEST_DIR", "kube-api-test binaries"));
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("kube-api-test folder " + dir + " missing: " + HINT);
    }
    return dir;
  }

  /** Kubernetes version of the provisioned kube-apiserver, e.g. {@code 1.32.3}. */
  public String kubernetesVersion() {
    return require("GITOPS4J_K8S_VERSION", "Kubernetes version");
  }

  /** Folder holding PostgreSQL's {@code initdb} and {@code postgres}. */
  public Path postgresBin() {
    Path dir = Paths.get(require("GITOPS4J_PG_BIN", "PostgreSQL"));
    if (!Files.isExecutable(dir.resolve("initdb"))) {
      throw new IllegalStateException("PostgreSQL initdb missing in " + dir + ": " + HINT);
    }
    return dir;
  }

  /**
   * Starts a throwaway PostgreSQL server from {@link #postgresBin()} on 127.0.0.1; see {@link
   * PostgresServer}.
   */
  public PostgresServer postgres() {
    return PostgresServer.start(postgresBin());
  }

  /** Serves every repository under {@code basePath} over {@code git://} until closed. */
  public Server gitDaemon(Path basePath) {
    Path git = executable("GITOPS4J_GIT", "git");
    int port = freePort();
    List<String> command =
        List.of(
            git.toString(),
            "daemon",
            "--reuseaddr",
            "--listen=127.0.0.1",
            "--port=" + port,
            "--base-path=" + basePath,
            "--export-all",
            "--enable=receive-pack",
            basePath.toString());
    return Server.start("git daemon", command, basePath, port, Map.of());
  }

  /**
   * Starts an OpenSSH server on 127.0.0.1 with a fresh host key in {@code dir}, accepting {@code
   * authorizedKey} (an OpenSSH public key line) for the current user. SFTP is enabled.
   */
  public Sshd sshd(Path dir, String authorizedKey) {
    Path sshd = executable("GITOPS4J_SSHD", "sshd");
    try {
      Files.createDirectories(dir);
      Path hostKey = dir.resolve("ssh_host_ed25519_key");
      if (!Files.exists(hostKey)) {
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
      }
      Path authorized = dir.resolve("authorized_keys");
      Files.writeString(authorized, authorizedKey.strip() + "\n");
      Files.createDirectories(Paths.get("/run/sshd"));
      int port = freePort();
      Path config = dir.resolve("sshd_config");
      Files.writeString(
          config,
          String.join(
              "\n",
              "Port " + port,
              "ListenAddress 127.0.0.1",
              "HostKey " + hostKey,
              "AuthorizedKeysFile " + authorized,
              "PidFile " + dir.resolve("sshd.pid"),
              "PasswordAuthentication no",
              "KbdInteractiveAuthentication no",
              "PubkeyAuthentication yes",
              "PermitRootLogin prohibit-password",
              "StrictModes no",
              "UsePAM no",
              "Subsystem sftp internal-sftp",
              ""));
      String hostPublicKey = Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).strip();
      Server server =
          Server.start(
              "sshd",
              List.of(sshd.toString(), "-D", "-e", "-f", config.toString()),
              dir,
              port,
              Map.of());
      return new Sshd(server, hostPublicKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare sshd in " + dir, e);
    }
  }

  /**
   * A running sshd.
   *
   * @param server the process and its port
   * @param hostPublicKey the host key as an OpenSSH public key line, for known_hosts
   */
  public record Sshd(Server server, String hostPublicKey) implements AutoCloseable {

    public int port() {
      return server.port();
    }

    /** A known_hosts line for this server. */
    public String knownHostsLine() {
      String[] parts = hostPublicKey.split(" ");
      return "[127.0.0.1]:" + port() + " " + parts[0] + " " + parts[1];
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** A peer process serving on a loopback port; stopped by {@link #close()}. */
  public static final class Server implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private Server(String name, Process process, int port, Path log) {
      this.name = name;
      this.process = process;
      this.port = port;
      this.log = log;
    }

    static Server start(
        String name, List<String> command, Path dir, int port, Map<String, String> env) {
      try {
        Path log = Files.createTempFile(name.replace(' ', '-'), ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        Server server = new Server(name, process, port, log);
        server.awaitPort(Duration.ofSeconds(30));
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name + ": " + HINT, e);
      }
    }

    private void awaitPort(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + ": " + output());
        }
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return;
        } catch (IOException notYet) {
          try {
            process.waitFor(50, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      close();
      throw new IllegalStateException(
          name + " did not listen on 127.0.0.1:" + port + ": " + output());
    }

    public int port() {
      return port;
    }

    /** The server process, e.g. to read its CPU time and that of what it started. */
    public ProcessHandle process() {
      return process.toHandle();
    }

    /** What the process printed so far. */
    public String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no output: " + e.getMessage() + ")";
      }
    }

    /**
     * Stops the server and what it started: an sshd's per-connection processes outlive their
     * listener, and a stopped host must not keep serving its open connections.
     */
    @Override
    public void close() {
      List<ProcessHandle> started = process.descendants().toList();
      process.destroy();
      started.forEach(ProcessHandle::destroy);
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : started) {
          try {
            child.onExit().get(10, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException e) {
            child.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A free TCP port on 127.0.0.1. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private String require(String key, String what) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(what + " not provisioned (" + key + " unset): " + HINT);
    }
    return value;
  }

  private Path executable(String key, String what) {
    Path path = Paths.get(require(key, what));
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(what + " at " + path + " is not executable: " + HINT);
    }
    return path;
  }

  private Path file(String key, String what) {
    Path path = Paths.get(require(key, what));
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(what + " at " + path + " missing: " + HINT);
    }
    return path;
  }
}
