package dev.gitops4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from the testbed binaries, on 127.0.0.1 and a free port, with
 * password (SCRAM) authentication over TCP. One per test class: start it in {@code @BeforeAll},
 * close it in {@code @AfterAll}.
 *
 * <p>Needs a PostgreSQL JDBC driver on the test class path ({@code org.postgresql:postgresql}):
 * {@link #connect()} goes through {@link DriverManager}.
 *
 * <p>PostgreSQL refuses to run as root, so when the tests run as root the server runs as the {@code
 * postgres} OS user (through {@code setpriv}) in a temporary folder it owns.
 */
public final class PostgresServer implements AutoCloseable {

  /** The superuser's name. */
  public static final String SUPERUSER = "postgres";

  /** The superuser's password. */
  public static final String PASSWORD = "test-superuser-secret";

  private final Path bin;
  private final Path directory;
  private volatile Process process;
  private final int port;
  private final Path log;

  private PostgresServer(Path bin, Path directory, Process process, int port, Path log) {
    this.bin = bin;
    this.directory = directory;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Initializes a cluster and starts it; fails (never skips) when the binaries are missing. */
  public static PostgresServer start() {
    return Testbed.get().postgres();
  }

  /** Like {@link #start()} with the binaries in {@code bin} ({@code initdb}, {@code postgres}). */
  static PostgresServer start(Path bin) {
    try {
      Path directory = Files.createTempDirectory("gitops4j-pg-");
      Path data = directory.resolve("data");
      Path passwordFile = directory.resolve("pwfile");
      Files.writeString(passwordFile, PASSWORD + "\n");
      handOver(directory);
      handOver(passwordFile);
      run(
          asServerUser(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              SUPERUSER,
              "--pwfile=" + passwordFile,
              "--auth-host=scram-sha-256",
              "--auth-local=trust",
              "--encoding=UTF8",
              "--locale=C",
              "--no-sync"),
          Duration.ofMinutes(2));
      int port = Testbed.freePort();
      Path log = directory.resolve("server.log");
      Process process = launch(bin, directory, port, log);
      PostgresServer server = new PostgresServer(bin, directory, process, port, log);
      server.awaitReady(Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL from " + bin, e);
    }
  }

  private static Process launch(Path bin, Path directory, int port, Path log) throws IOException {
    return new ProcessBuilder(
            asServerUser(
                bin.resolve("postgres").toString(),
                "-D",
                directory.resolve("data").toString(),
                "-k",
                directory.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-c",
                "fsync=off",
                "-c",
                "max_connections=30"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * Stops the server the hard way ({@code immediate}: clients cut off, no checkpoint, so the next
   * start recovers from the WAL as after a crash) and starts it again on the same port and data.
   */
  public void restart() {
    crash();
    startAgain();
  }

  /**
   * Stops the server the hard way, as {@link #restart()} does, and leaves it down until {@link
   * #startAgain()}: clients' transactions in flight are cut off, new connections are refused.
   */
  public void crash() {
    stop("immediate");
  }

  /** Starts a stopped server again on the same port and data, recovering from the WAL. */
  public void startAgain() {
    try {
      process = launch(bin, directory, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart PostgreSQL", e);
    }
    awaitReady(Duration.ofSeconds(60));
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** URL of the {@code postgres} database. */
  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A new connection to the {@code postgres} database as the superuser. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), SUPERUSER, PASSWORD);
  }

  /**
   * Creates an empty database and returns its URL, so that each test starts from nothing on one
   * shared server.
   *
   * @param name a lower-case SQL identifier
   */
  public String createDatabase(String name) throws SQLException {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain lower-case database name: " + name);
    }
    execute("create database " + name);
    return jdbcUrl(name);
  }

  /** Runs statements as the superuser, each in its own transaction. */
  public void execute(String... statements) throws SQLException {
    try (Connection connection = connect();
        Statement sql = connection.createStatement()) {
      for (String statement : statements) {
        sql.execute(statement);
      }
    }
  }

  /** The first column of every row of {@code query}, as text. */
  public List<String> column(String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = connect();
        Statement sql = connection.createStatement();
        ResultSet rows = sql.executeQuery(query)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  /** What the server logged so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("PostgreSQL exited: " + log());
      }
      try (Connection ignored = connect()) {
        return;
      } catch (SQLException notYet) {
        last = notYet;
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    close();
    throw new IllegalStateException(
        "PostgreSQL did not accept connections: " + last + "\n" + log());
  }

  /** Fast shutdown (clients are disconnected), then the folder is removed. */
  @Override
  public void close() {
    stop("fast");
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temporary folder is harmless.
    }
  }

  private void stop(String mode) {
    try {
      run(
          asServerUser(
              bin.resolve("pg_ctl").toString(),
              "stop",
              "-D",
              directory.resolve("data").toString(),
              "-m",
              mode,
              "-w"),
          Duration.ofSeconds(60));
    } catch (RuntimeException | IOException e) {
      process.destroy();
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asServerUser(String... command) {
    List<String> full = new ArrayList<>();
    if (root()) {
      full.addAll(
          List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static void handOver(Path path) throws IOException {
    if (root()) {
      UserPrincipal postgres =
          path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(path, postgres);
    }
  }

  private static void run(List<String> command, Duration timeout) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
