package dev.gitops4j.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a connection of the pool, and hands the connection back clean.
 */
public final class Transactions {

  private Transactions() {}

  /** Work done inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} and commits, or rolls back on any exception and rethrows it.
   *
   * @param isolation a {@code Connection.TRANSACTION_*} level
   * @param readOnly whether the transaction only reads
   */
  public static <T> T run(DataSource data, int isolation, boolean readOnly, Work<T> work)
      throws SQLException {
    try (Connection c = data.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int previousIsolation = c.getTransactionIsolation();
      boolean previousReadOnly = c.isReadOnly();
      c.setAutoCommit(false);
      c.setTransactionIsolation(isolation);
      c.setReadOnly(readOnly);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        restore(c, autoCommit, previousIsolation, previousReadOnly);
      }
    }
  }

  // A pooled connection goes back as it came; a broken one is the pool's to discard, and its error
  // must not hide the one that broke it.
  private static void restore(Connection c, boolean autoCommit, int isolation, boolean readOnly) {
    try {
      c.setAutoCommit(autoCommit);
      c.setTransactionIsolation(isolation);
      c.setReadOnly(readOnly);
    } catch (SQLException ignored) {
      // see above
    }
  }

  /** SQLSTATE of a {@code lock_timeout} that expired. */
  public static final String LOCK_NOT_AVAILABLE = "55P03";

  /**
   * For the rest of the transaction, the server ends the session when the client leaves the
   * transaction idle for longer than {@code limit}, releasing its locks.
   */
  public static void boundIdleTime(Connection c, Duration limit) throws SQLException {
    set(c, "idle_in_transaction_session_timeout", limit);
  }

  /** For the rest of the transaction, a statement waits at most {@code limit} for a lock. */
  public static void boundLockWait(Connection c, Duration limit) throws SQLException {
    set(c, "lock_timeout", limit);
  }

  private static void set(Connection c, String setting, Duration limit) throws SQLException {
    try (Statement sql = c.createStatement()) {
      // A number of milliseconds from a Duration: nothing to escape.
      sql.execute("set local " + setting + " = " + Math.max(1, limit.toMillis()));
    }
  }

  /** {@link #run} at READ COMMITTED, for writes that lock the rows they depend on. */
  public static <T> T write(DataSource data, Work<T> work) throws SQLException {
    return run(data, Connection.TRANSACTION_READ_COMMITTED, false, work);
  }
}
