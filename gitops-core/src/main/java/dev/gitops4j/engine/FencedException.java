package dev.gitops4j.engine;

/**
 * Thrown by a {@link Fence} when this process lost the right to write for an application: its lease
 * expired, was released, or was taken over by a holder with a newer fencing token.
 */
public class FencedException extends RuntimeException {

  /**
   * @param message what was refused and why, naming the application and the lease
   */
  public FencedException(String message) {
    super(message);
  }

  /**
   * @param message what was refused and why, naming the application and the lease
   * @param cause the error that made the right to write uncertain
   */
  public FencedException(String message, Throwable cause) {
    super(message, cause);
  }
}
