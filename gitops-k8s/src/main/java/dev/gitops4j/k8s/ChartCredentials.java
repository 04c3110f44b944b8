package dev.gitops4j.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * Credentials for a Helm chart repository or OCI registry, taken from environment variables or
 * files only (never from Git), read again at each use so a rotated secret is picked up. Their
 * values never appear in {@link #toString()}, logs, errors or history.
 */
public final class ChartCredentials {

  private final String description;
  private final Reader username;
  private final Reader secret;
  private final boolean bearer;

  private interface Reader {
    String read() throws IOException;
  }

  private ChartCredentials(String description, Reader username, Reader secret, boolean bearer) {
    this.description = description;
    this.username = username;
    this.secret = secret;
    this.bearer = bearer;
  }

  /** HTTP basic authentication, user name and password in two environment variables. */
  public static ChartCredentials basicFromEnv(String usernameVariable, String passwordVariable) {
    return new ChartCredentials(
        "basic auth from environment variables " + usernameVariable + ", " + passwordVariable,
        env(usernameVariable),
        env(passwordVariable),
        false);
  }

  /**
   * HTTP basic authentication, user name and password each in a file (one trailing newline cut).
   */
  public static ChartCredentials basicFromFiles(Path usernameFile, Path passwordFile) {
    return new ChartCredentials(
        "basic auth from files " + usernameFile + ", " + passwordFile,
        file(usernameFile),
        file(passwordFile),
        false);
  }

  /** A bearer token in an environment variable. */
  public static ChartCredentials bearerFromEnv(String tokenVariable) {
    return new ChartCredentials(
        "bearer token from environment variable " + tokenVariable, null, env(tokenVariable), true);
  }

  /** A bearer token in a file (one trailing newline cut). */
  public static ChartCredentials bearerFromFile(Path tokenFile) {
    return new ChartCredentials("bearer token from file " + tokenFile, null, file(tokenFile), true);
  }

  /** True for a bearer token, false for basic authentication. */
  public boolean isBearer() {
    return bearer;
  }

  /**
   * The {@code Authorization} header value, read now.
   *
   * @throws IOException naming the variable or file that is missing, never its content
   */
  public String authorization() throws IOException {
    if (bearer) {
      return "Bearer " + secret.read();
    }
    return basic(username.read(), secret.read());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static Reader env(String variable) {
    Objects.requireNonNull(variable, "variable");
    return () -> {
      String value = System.getenv(variable);
      if (value == null || value.isEmpty()) {
        throw new IOException("environment variable " + variable + " is not set");
      }
      return value;
    };
  }

  private static Reader file(Path file) {
    Objects.requireNonNull(file, "file");
    return () -> {
      String value;
      try {
        value = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IOException(
            "cannot read credentials file " + file + ": " + e.getClass().getSimpleName());
      }
      if (value.endsWith("\n")) {
        value = value.substring(0, value.length() - 1);
      }
      if (value.endsWith("\r")) {
        value = value.substring(0, value.length() - 1);
      }
      return value;
    };
  }

  /** Where the credentials come from; never their values. */
  @Override
  public String toString() {
    return description;
  }
}
