package dev.gitops4j.cli.internal;

import dev.gitops4j.source.GitSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a Git source authenticates, as declared: where secrets are read from (an environment variable
 * or a file, never the value itself), and SSH key files. The secrets are read only by {@link
 * #resolve}, right before the source is built.
 *
 * @param tokenEnv environment variable holding an HTTPS token, or null
 * @param tokenFile file holding an HTTPS token, or null
 * @param username HTTPS basic-auth user, or null
 * @param passwordEnv environment variable holding the basic-auth password, or null
 * @param passwordFile file holding the basic-auth password, or null
 * @param sshKeys private key files for SSH URLs
 * @param knownHosts known_hosts file SSH host keys are checked against, or null for the default
 */
record GitAuth(
    String tokenEnv,
    Path tokenFile,
    String username,
    String passwordEnv,
    Path passwordFile,
    List<Path> sshKeys,
    Path knownHosts) {

  /** Environment variable read for a token when nothing else is declared (HTTPS URLs only). */
  static final String DEFAULT_TOKEN_ENV = "GITOPS4J_GIT_TOKEN";

  static final GitAuth NONE = new GitAuth(null, null, null, null, null, List.of(), null);

  GitAuth {
    sshKeys = List.copyOf(Objects.requireNonNullElse(sshKeys, List.of()));
  }

  boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * Checks the combination; throws {@link IllegalArgumentException} naming the options as {@code
   * names} calls them (flags or YAML keys).
   */
  GitAuth check(Names names) {
    if (tokenEnv != null && tokenFile != null) {
      throw new IllegalArgumentException(
          "give " + names.tokenEnv + " or " + names.tokenFile + ", not both");
    }
    if (passwordEnv != null && passwordFile != null) {
      throw new IllegalArgumentException(
          "give " + names.passwordEnv + " or " + names.passwordFile + ", not both");
    }
    boolean token = tokenEnv != null || tokenFile != null;
    boolean password = passwordEnv != null || passwordFile != null;
    if (token && (username != null || password)) {
      throw new IllegalArgumentException(
          "a token and a user/password are two kinds of HTTPS authentication: give one");
    }
    if (username != null && !password) {
      throw new IllegalArgumentException(
          names.username + " needs " + names.passwordEnv + " or " + names.passwordFile);
    }
    if (password && username == null) {
      throw new IllegalArgumentException(
          names.passwordEnv + "/" + names.passwordFile + " needs " + names.username);
    }
    if (username != null && username.isBlank()) {
      throw new IllegalArgumentException(names.username + " must not be blank");
    }
    for (String env : new String[] {tokenEnv, passwordEnv}) {
      if (env != null && !env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            "'"
                + env
                + "' is not an environment variable name (give the variable's name, not the"
                + " secret)");
      }
    }
    if (knownHosts != null && sshKeys.isEmpty()) {
      throw new IllegalArgumentException(names.knownHosts + " applies to SSH key authentication");
    }
    if (!sshKeys.isEmpty() && (token || username != null)) {
      throw new IllegalArgumentException(
          names.sshKey + " is for ssh:// URLs; a token or password is for https:// URLs");
    }
    return this;
  }

  /** How options are called where they were given, for messages. */
  record Names(
      String tokenEnv,
      String tokenFile,
      String username,
      String passwordEnv,
      String passwordFile,
      String sshKey,
      String knownHosts) {
    static final Names FLAGS =
        new Names(
            "--git-token-env",
            "--git-token-file",
            "--git-user",
            "--git-password-env",
            "--git-password-file",
            "--git-ssh-key",
            "--git-known-hosts");
    static final Names YAML =
        new Names(
            "auth.tokenEnv",
            "auth.tokenFile",
            "auth.username",
            "auth.passwordEnv",
            "auth.passwordFile",
            "auth.sshKeys",
            "auth.knownHosts");
  }

  /**
   * Reads the secrets and applies them to {@code source}. Without any declaration, an HTTPS URL
   * gets the token of {@value #DEFAULT_TOKEN_ENV} when that variable is set.
   *
   * @return the credentials, for {@code ls-remote} of pull-request refs
   */
  Credentials resolve(String url, Map<String, String> env, GitSource.Builder source) {
    if (tokenEnv != null || tokenFile != null) {
      String token = secret(env, tokenEnv, tokenFile, "Git token");
      source.tokenAuth(token);
      return new Credentials("x-access-token", token);
    }
    if (username != null) {
      String password = secret(env, passwordEnv, passwordFile, "Git password");
      source.basicAuth(username, password);
      return new Credentials(username, password);
    }
    if (!sshKeys.isEmpty()) {
      for (Path key : sshKeys) {
        if (!Files.isReadable(key)) {
          throw new CliException("SSH key " + key + " is not readable");
        }
        source.sshKey(key);
      }
      if (knownHosts != null) {
        if (!Files.isReadable(knownHosts)) {
          throw new CliException("known_hosts file " + knownHosts + " is not readable");
        }
        source.knownHosts(knownHosts);
      }
      return null;
    }
    String fallback = env.get(DEFAULT_TOKEN_ENV);
    if (fallback != null && !fallback.isBlank() && url.matches("(?i)https?://.*")) {
      source.tokenAuth(fallback.strip());
      return new Credentials("x-access-token", fallback.strip());
    }
    return null;
  }

  /** Which credentials are used, without secrets, for error messages. */
  String describe(Map<String, String> env) {
    if (tokenEnv != null) {
      return "token from environment variable " + tokenEnv;
    }
    if (tokenFile != null) {
      return "token from file " + tokenFile;
    }
    if (username != null) {
      return "user "
          + username
          + " with password from "
          + (passwordEnv != null ? "environment variable " + passwordEnv : "file " + passwordFile);
    }
    if (!sshKeys.isEmpty()) {
      return "SSH key "
          + sshKeys.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
          + ", known_hosts "
          + (knownHosts != null ? knownHosts : "~/.ssh/known_hosts");
    }
    String fallback = env.get(DEFAULT_TOKEN_ENV);
    return fallback != null && !fallback.isBlank()
        ? "token from environment variable " + DEFAULT_TOKEN_ENV
        : "none (see --git-token-env, --git-user, --git-ssh-key)";
  }

  /** A user and secret for HTTP. {@link #toString()} never shows the secret. */
  record Credentials(String username, String secret) {
    @Override
    public String toString() {
      return "Credentials[" + username + ", ***]";
    }
  }

  /** A secret from an environment variable or a file; trailing line breaks are dropped. */
  static String secret(Map<String, String> env, String variable, Path file, String what) {
    if (variable != null) {
      String value = env.get(variable);
      if (value == null || value.isBlank()) {
        throw new CliException(what + ": environment variable " + variable + " is not set");
      }
      return value.strip();
    }
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new CliException(what + ": " + file + " is empty");
      }
      return value;
    } catch (NoSuchFileException e) {
      throw new CliException(what + ": " + file + ": no such file");
    } catch (IOException e) {
      throw new CliException(what + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
