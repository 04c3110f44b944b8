package dev.gitops4j.examples.service;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the service needs to know, from command-line flags or environment variables (a flag wins).
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>flag</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code --repo}</td><td>{@code GITOPS_REPO}</td><td>required</td></tr>
 *   <tr><td>{@code --branch}</td><td>{@code GITOPS_BRANCH}</td><td>{@code main}</td></tr>
 *   <tr><td>{@code --path}</td><td>{@code GITOPS_PATH}</td><td>repository root</td></tr>
 *   <tr><td>{@code --host-dir}</td><td>{@code GITOPS_HOST_DIR}</td><td>required</td></tr>
 *   <tr><td>{@code --state-dir}</td><td>{@code GITOPS_STATE_DIR}</td><td>{@code ./state}</td></tr>
 *   <tr><td>{@code --bind}</td><td>{@code GITOPS_BIND}</td><td>{@code 127.0.0.1}</td></tr>
 *   <tr><td>{@code --port}</td><td>{@code GITOPS_PORT}</td><td>{@code 8080}</td></tr>
 *   <tr><td>{@code --interval}</td><td>{@code GITOPS_INTERVAL}</td><td>{@code PT1H}</td></tr>
 *   <tr><td>(none)</td><td>{@code GITHUB_WEBHOOK_SECRET}</td><td>required</td></tr>
 * </table>
 *
 * <p>The webhook secret is read from the environment only: flags show up in process listings.
 *
 * @param repository URL of the Git repository holding the desired state
 * @param branch branch followed
 * @param path sub-directory of the repository to read, {@code ""} for the root
 * @param hostDirectory the directory reconciled: {@code /etc/app.conf} in Git lands in {@code
 *     hostDirectory/etc/app.conf}
 * @param stateDirectory where the Git cache and the audit trail are kept
 * @param bind address the HTTP server listens on
 * @param port port the HTTP server listens on; 0 picks a free one
 * @param interval time between scheduled passes; pushes trigger passes at once
 * @param webhookSecret the GitHub webhook secret
 */
public record ServiceConfig(
    String repository,
    String branch,
    String path,
    Path hostDirectory,
    Path stateDirectory,
    String bind,
    int port,
    Duration interval,
    String webhookSecret) {

  /** The application name: one repository path reconciled into one directory. */
  public static final String APPLICATION = "host";

  public ServiceConfig {
    require(repository, "repository (--repo or GITOPS_REPO)");
    require(branch, "branch (--branch or GITOPS_BRANCH)");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(hostDirectory, "host directory (--host-dir or GITOPS_HOST_DIR)");
    Objects.requireNonNull(stateDirectory, "state directory");
    require(bind, "bind address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    require(webhookSecret, "webhook secret (GITHUB_WEBHOOK_SECRET)");
  }

  /** Reads flags ({@code --name value}) and falls back to {@code env}. */
  public static ServiceConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!flag.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + flag + "'");
      }
      flags.put(flag.substring(2), args[++i]);
    }
    Setting s = (flag, var, fallback) -> flags.getOrDefault(flag, env.getOrDefault(var, fallback));
    String hostDir = s.get("host-dir", "GITOPS_HOST_DIR", null);
    return new ServiceConfig(
        s.get("repo", "GITOPS_REPO", null),
        s.get("branch", "GITOPS_BRANCH", "main"),
        s.get("path", "GITOPS_PATH", ""),
        hostDir == null ? null : Path.of(hostDir),
        Path.of(s.get("state-dir", "GITOPS_STATE_DIR", "state")),
        s.get("bind", "GITOPS_BIND", "127.0.0.1"),
        number(s.get("port", "GITOPS_PORT", "8080"), "port"),
        duration(s.get("interval", "GITOPS_INTERVAL", "PT1H")),
        env.get("GITHUB_WEBHOOK_SECRET"));
  }

  @FunctionalInterface
  private interface Setting {
    String get(String flag, String variable, String fallback);
  }

  private static void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + what);
    }
  }

  private static int number(String value, String what) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, was '" + value + "'");
    }
  }

  private static Duration duration(String value) {
    try {
      return Duration.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "interval must be an ISO-8601 duration such as PT1H, was '" + value + "'");
    }
  }

  @Override
  public String toString() {
    // Never print the secret, nor a password inside the repository URL.
    return "ServiceConfig[repository="
        + repository.replaceFirst("//[^/@]*@", "//***@")
        + ", branch="
        + branch
        + ", path="
        + path
        + ", hostDirectory="
        + hostDirectory
        + ", stateDirectory="
        + stateDirectory
        + ", bind="
        + bind
        + ", port="
        + port
        + ", interval="
        + interval
        + "]";
  }
}
