package dev.gitops4j.engine.internal;

/** A failure that ends a pass. */
final class PassFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** Whether a later pass of the same revision may succeed. */
  final boolean retryable;

  /** Whether this repeats a failure already known for the revision (not remembered again). */
  final boolean repeated;

  PassFailure(String message, boolean retryable, Throwable cause) {
    this(message, retryable, cause, false);
  }

  PassFailure(String message, boolean retryable, Throwable cause, boolean repeated) {
    super(message, cause);
    this.retryable = retryable;
    this.repeated = repeated;
  }
}
