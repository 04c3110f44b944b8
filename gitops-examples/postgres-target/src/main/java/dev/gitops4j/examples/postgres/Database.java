package dev.gitops4j.examples.postgres;

import dev.gitops4j.model.TargetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Connections, transactions and error translation shared by every piece of the target. Each unit of
 * work is one transaction with bounded statement and lock waits.
 */
final class Database {

  /** SQL states worth retrying: connection loss, serialization, deadlock, locks, shutdown. */
  private static final Set<String> TRANSIENT_STATES =
      Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300");

  private final DataSource dataSource;
  private final Duration statementTimeout;

  Database(DataSource dataSource, Duration statementTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.statementTimeout = Objects.requireNonNull(statementTimeout, "statementTimeout");
  }

  /** Work done inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException, TargetException;
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws or
   * when {@code rollback} is set (dry runs: PostgreSQL validates every statement, nothing stays).
   */
  <T> T transaction(boolean readOnly, boolean rollback, Work<T> work)
      throws SQLException, TargetException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      if (readOnly) {
        // One snapshot for every catalog query of an observation.
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
      }
      try (Statement statement = connection.createStatement()) {
        long millis = statementTimeout.toMillis();
        statement.execute("SET LOCAL statement_timeout = " + millis);
        statement.execute("SET LOCAL lock_timeout = " + millis);
      }
      try {
        T result = work.run(connection);
        if (rollback || readOnly) {
          connection.rollback();
        } else {
          connection.commit();
        }
        return result;
      } catch (SQLException | TargetException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      }
    }
  }

  /** {@code name} quoted by the driver as an SQL identifier: never concatenate a raw name. */
  static String ident(Connection connection, String name) throws SQLException {
    return connection.unwrap(PGConnection.class).escapeIdentifier(name);
  }

  /** {@code value} quoted by the driver as an SQL string literal. */
  static String literal(Connection connection, String value) throws SQLException {
    return "'" + connection.unwrap(PGConnection.class).escapeLiteral(value) + "'";
  }

  /**
   * Translates a driver error into a target failure naming {@code what} failed. Connection problems
   * and lock or serialization conflicts are retryable; everything else (permissions, dependencies,
   * invalid values) is permanent until something changes.
   */
  static TargetException failure(String what, SQLException e) {
    return new TargetException(what + ": " + describe(e), isTransient(e), e);
  }

  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || e instanceof SQLRecoverableException
        || (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state)));
  }

  /** The server's message with its detail and hint, without the driver's decorations. */
  static String describe(SQLException e) {
    if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      StringBuilder text = new StringBuilder(String.valueOf(server.getMessage()));
      if (server.getDetail() != null) {
        text.append(" (").append(server.getDetail()).append(')');
      }
      if (server.getHint() != null) {
        text.append("; hint: ").append(server.getHint());
      }
      return text.toString();
    }
    return e.getMessage();
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The original failure matters more; closing the connection discards the transaction.
    }
  }
}
