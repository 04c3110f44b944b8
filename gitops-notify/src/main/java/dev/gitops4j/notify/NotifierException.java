package dev.gitops4j.notify;

/** A delivery failed; {@link #isRetryable()} says whether another attempt may succeed. */
public class NotifierException extends Exception {

  private final boolean retryable;

  public NotifierException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean isRetryable() {
    return retryable;
  }
}
