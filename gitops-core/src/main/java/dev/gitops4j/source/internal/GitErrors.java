package dev.gitops4j.source.internal;

import dev.gitops4j.source.SourceException;
import dev.gitops4j.source.SourceException.Reason;
import java.util.Locale;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;

/** Maps JGit and transport failures to {@link SourceException} reasons with clean messages. */
public final class GitErrors {

  private GitErrors() {}

  /**
   * @param action what was attempted, such as {@code "ls-remote"}
   * @param describe the source description (already free of credentials)
   */
  public static SourceException map(
      Throwable error, String action, String describe, CredentialRedactor redactor) {
    if (error instanceof SourceException source) {
      return source;
    }
    Reason reason = Reason.UNREACHABLE;
    String detail = null;
    for (Throwable t = error; t != null; t = t.getCause()) {
      String msg = t.getMessage() == null ? "" : t.getMessage();
      String lower = msg.toLowerCase(Locale.ROOT);
      if (lower.contains("host key")
          || lower.contains("server key")
          || lower.contains("known_hosts")
          || lower.contains("known hosts")) {
        reason = Reason.AUTH_FAILED;
        detail = "SSH host key not accepted: it is not listed in the configured known_hosts file";
        break;
      }
      if (lower.contains("not authorized")
          || lower.contains("authentication")
          || lower.contains("auth fail")
          || lower.contains("credentialsprovider")
          || lower.contains("cannot log in")
          || lower.contains("permission denied")
          || lower.contains("forbidden")
          || lower.contains("not permitted")) {
        reason = Reason.AUTH_FAILED;
        detail = msg;
        break;
      }
      if (t instanceof NoRemoteRepositoryException
          || lower.contains("repository not found")
          || lower.contains("not found")
          || lower.contains("not exported")
          || lower.contains("no such repository")
          || lower.contains("does not appear to be a git repository")) {
        reason = Reason.NOT_FOUND;
        detail = msg;
        break;
      }
      if (detail == null && !msg.isEmpty()) {
        detail = msg;
      }
    }
    String message =
        action
            + " of "
            + describe
            + " failed: "
            + redactor.redact(detail == null ? error.getClass().getSimpleName() : detail);
    // The cause is dropped on purpose: transport exceptions may carry credentials in fields
    // and messages we cannot all scrub.
    return new SourceException(reason, message);
  }
}
