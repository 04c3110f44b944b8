package dev.gitops4j.source;

/** A revision could not be resolved or read; nothing of it may be applied. */
public class SourceException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the source failed; decides whether a retry can help. */
  public enum Reason {
    /** Network or server trouble; retrying may succeed. */
    UNREACHABLE(true),
    /** Credentials missing or rejected. */
    AUTH_FAILED(false),
    /** The ref, commit or path does not exist. */
    NOT_FOUND(false),
    /** A file, file count or depth limit was exceeded. */
    LIMIT_EXCEEDED(false),
    /** The content is unsafe to read, such as a symlink leaving the source path. */
    UNSAFE_CONTENT(false),
    /** The signature policy refused the revision. */
    SIGNATURE_REFUSED(false),
    /** Anything else; treated as transient. */
    OTHER(true);

    private final boolean retryable;

    Reason(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean isRetryable() {
      return retryable;
    }
  }

  private final Reason reason;

  public SourceException(Reason reason, String message) {
    this(reason, message, null);
  }

  public SourceException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** True when trying again later, with the same revision, may succeed. */
  public boolean isRetryable() {
    return reason.isRetryable();
  }
}
