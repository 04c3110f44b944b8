package dev.gitops4j.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryRecord.ChangeOutcome;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.test.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database per test on one server per test class, and sample records. */
final class Databases {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private Databases() {}

  /** A new empty database on {@code server}, as a data source for the superuser. */
  static DataSource fresh(PostgresServer server) throws SQLException {
    String url =
        server.createDatabase("t" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet());
    return dataSource(url);
  }

  static DataSource dataSource(String url) {
    PGSimpleDataSource data = new PGSimpleDataSource();
    data.setUrl(url);
    data.setUser(PostgresServer.SUPERUSER);
    data.setPassword(PostgresServer.PASSWORD);
    return data;
  }

  /** A pooled data source, as a replica in production would use. Close it when done. */
  static HikariDataSource pooled(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(PostgresServer.SUPERUSER);
    config.setPassword(PostgresServer.PASSWORD);
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }

  static String url(DataSource data) throws SQLException {
    try (Connection c = data.getConnection()) {
      return c.getMetaData().getURL();
    }
  }

  /** Runs statements by hand, as an operator with psql would. */
  static void sql(DataSource data, String... statements) throws SQLException {
    try (Connection c = data.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** The single number {@code query} returns. */
  static long number(DataSource data, String query) throws SQLException {
    try (Connection c = data.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** A record of a pass now, told apart by its revision. */
  static HistoryRecord record(String application, String revision) {
    return new HistoryRecord(
        Instant.now(),
        application,
        Trigger.INTERVAL,
        revision,
        "",
        "",
        "NOT_CHECKED",
        "SYNCED",
        "",
        List.of(),
        "",
        Duration.ZERO,
        "");
  }

  static HistoryRecord record(String application, int n) {
    return new HistoryRecord(
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n),
        application,
        Trigger.INTERVAL,
        "rev-" + n,
        "Ada <ada@example.com>",
        "Ada <ada@example.com>",
        "NOT_CHECKED",
        "SYNCED",
        "1 to create, 0 to update, 0 to delete",
        List.of(new ChangeOutcome("ConfigMap default/c" + n, "create", "APPLIED", "")),
        "+ data: {n: " + n + "} ünïcødé",
        Duration.ofMillis(10 + n),
        "");
  }
}
