package dev.gitops4j.cli.internal;

/** A failure explained to the user in one message; no stack trace is printed. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
