package dev.gitops4j.jdbc;

import java.io.IOException;

/**
 * A compare-and-set write lost: another writer (another replica, another store instance) changed
 * the row since this one read it. Nothing was written; load again and retry, which the engine does
 * with its next pass.
 */
public final class ConcurrentWriteException extends IOException {

  private final String application;

  ConcurrentWriteException(String application, String message) {
    super(message);
    this.application = application;
  }

  /** The application whose state was written concurrently. */
  public String application() {
    return application;
  }
}
