package dev.gitops4j.model;

/** A target could not observe or write; the target decides whether a retry may help. */
public class TargetException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public TargetException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public TargetException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True for transient failures (timeouts, conflicts, locks), false for permanent ones. */
  public boolean isRetryable() {
    return retryable;
  }
}
