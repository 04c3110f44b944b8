package dev.gitops4j.engine;

/** This process lost the right to write for an application: its lease expired or moved on. */
public class FencedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public FencedException(String message) {
    super(message);
  }

  public FencedException(String message, Throwable cause) {
    super(message, cause);
  }
}
