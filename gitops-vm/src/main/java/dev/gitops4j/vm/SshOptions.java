package dev.gitops4j.vm;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the SSH transport connects: credentials (from code, never from Git), the known_hosts file
 * every host key must be listed in, and timeouts.
 *
 * <pre>{@code
 * SshOptions ssh = SshOptions.custom()
 *     .knownHosts(Path.of("/etc/gitops4j/known_hosts"))
 *     .identity(Path.of("/etc/gitops4j/id_ed25519"))
 *     .build();
 * }</pre>
 */
public final class SshOptions {

  private final Path knownHosts;
  private final List<Path> keyFiles;
  private final List<KeyPair> keyPairs;
  private final String defaultUser;
  private final Duration connectTimeout;
  private final Duration authTimeout;
  private final Duration operationTimeout;
  private final Duration keepAlive;

  private SshOptions(Builder builder) {
    this.knownHosts = builder.knownHosts;
    this.keyFiles = List.copyOf(builder.keyFiles);
    this.keyPairs = List.copyOf(builder.keyPairs);
    this.defaultUser = builder.defaultUser;
    this.connectTimeout = builder.connectTimeout;
    this.authTimeout = builder.authTimeout;
    this.operationTimeout = builder.operationTimeout;
    this.keepAlive =
        builder.keepAlive != null
            ? builder.keepAlive
            : min(DEFAULT_KEEP_ALIVE, builder.operationTimeout.dividedBy(2));
  }

  private static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Host keys accepted; a host whose key is not listed is refused. */
  public Path knownHosts() {
    return knownHosts;
  }

  public List<Path> keyFiles() {
    return keyFiles;
  }

  public List<KeyPair> keyPairs() {
    return keyPairs;
  }

  /** User for hosts whose inventory entry names none. */
  public String defaultUser() {
    return defaultUser;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration authTimeout() {
    return authTimeout;
  }

  /** Bound on each remote operation (stat batch, transfer, command, handler). */
  public Duration operationTimeout() {
    return operationTimeout;
  }

  /**
   * Interval of the keepalive requests on connections kept open between passes; zero when a
   * connection is closed at the end of each pass instead.
   */
  public Duration keepAlive() {
    return keepAlive;
  }

  /** Builds {@link SshOptions}; known_hosts and at least one identity are required. */
  public static final class Builder {
    private Path knownHosts;
    private final List<Path> keyFiles = new ArrayList<>();
    private final List<KeyPair> keyPairs = new ArrayList<>();
    private String defaultUser = System.getProperty("user.name");
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration authTimeout = Duration.ofSeconds(10);
    private Duration operationTimeout = Duration.ofSeconds(60);
    private Duration keepAlive;

    private Builder() {}

    public Builder knownHosts(Path file) {
      this.knownHosts = Objects.requireNonNull(file, "file");
      return this;
    }

    /** A private key file (OpenSSH or PEM, unencrypted). */
    public Builder identity(Path keyFile) {
      keyFiles.add(Objects.requireNonNull(keyFile, "keyFile"));
      return this;
    }

    /** A key pair held in memory, e.g. read from a secret store. */
    public Builder identity(KeyPair keyPair) {
      keyPairs.add(Objects.requireNonNull(keyPair, "keyPair"));
      return this;
    }

    public Builder defaultUser(String user) {
      this.defaultUser = Objects.requireNonNull(user, "user");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    public Builder authTimeout(Duration timeout) {
      this.authTimeout = positive(timeout, "authTimeout");
      return this;
    }

    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = positive(timeout, "operationTimeout");
      return this;
    }

    /**
     * A host's connection stays open from one pass to the next, so a pass that finds nothing to do
     * costs one command per host instead of a new connection, key exchange and authentication. A
     * keepalive request every {@code interval} keeps the connection open through an idle time
     * between passes and closes it when the host stops answering three of them; a connection is
     * also checked with one keepalive before a pass uses it again, and opened anew when it no
     * longer works. Default 15 s (or half the operation timeout, when that is shorter); it must be
     * shorter than the operation timeout, which also bounds how long a connection stays silent.
     * {@code Duration.ZERO} closes each connection when its pass ends.
     */
    public Builder keepAlive(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("keepAlive must not be negative");
      }
      this.keepAlive = interval;
      return this;
    }

    public SshOptions build() {
      if (knownHosts == null) {
        throw new IllegalStateException("knownHosts is required: unknown host keys are refused");
      }
      if (keyFiles.isEmpty() && keyPairs.isEmpty()) {
        throw new IllegalStateException("at least one identity (key file or key pair) is required");
      }
      if (keepAlive != null && !keepAlive.isZero() && keepAlive.compareTo(operationTimeout) >= 0) {
        throw new IllegalStateException(
            "keepAlive ("
                + keepAlive.toSeconds()
                + " s) must be shorter than operationTimeout ("
                + operationTimeout.toSeconds()
                + " s), which closes a connection silent for that long");
      }
      return new SshOptions(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }
  }
}
