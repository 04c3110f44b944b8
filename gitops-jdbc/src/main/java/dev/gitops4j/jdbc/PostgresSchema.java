package dev.gitops4j.jdbc;

import dev.gitops4j.jdbc.internal.Migrations;
import dev.gitops4j.jdbc.internal.Migrations.Migration;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the {@code gitops_*} tables in the data source's current schema.
 *
 * <p>The applied versions are rows of {@code gitops_schema_version}. {@link #migrate} runs every
 * missing migration in one transaction under a transaction-scoped advisory lock, so replicas that
 * start together apply each migration once, and a failed migration leaves the schema as it was
 * (PostgreSQL DDL is transactional). Calling it again is a no-op. The stores' {@code open} methods
 * call it; call it yourself to migrate at deploy time instead.
 */
public final class PostgresSchema {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);

  /** Advisory lock key serialising migrations: the bytes of "gitops4j" as a number. */
  private static final long MIGRATION_LOCK = 0x676974_6f7073_346aL;

  private PostgresSchema() {}

  /** The schema version this library writes and reads. */
  public static int latestVersion() {
    return Migrations.latest();
  }

  /**
   * Applies the migrations the database lacks.
   *
   * @return the schema version now in place
   * @throws IOException when the database cannot be reached, a migration fails (nothing of it is
   *     kept), or the database holds a newer schema than this library knows
   */
  public static int migrate(DataSource data) throws IOException {
    try (Connection c = data.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        int version = migrate(c);
        c.commit();
        return version;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IOException("cannot migrate the gitops4j schema: " + e.getMessage(), e);
    }
  }

  /** The version recorded in the database, or 0 before the first migration. */
  public static int currentVersion(DataSource data) throws IOException {
    try (Connection c = data.getConnection();
        Statement sql = c.createStatement()) {
      return recordedVersion(sql);
    } catch (SQLException e) {
      throw new IOException("cannot read the gitops4j schema version: " + e.getMessage(), e);
    }
  }

  private static int recordedVersion(Statement sql) throws SQLException {
    try (ResultSet rows =
        sql.executeQuery("select to_regclass('gitops_schema_version') is not null")) {
      rows.next();
      if (!rows.getBoolean(1)) {
        return 0;
      }
    }
    try (ResultSet rows =
        sql.executeQuery("select coalesce(max(version), 0) from gitops_schema_version")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static int migrate(Connection c) throws SQLException {
    try (Statement sql = c.createStatement()) {
      sql.execute("select pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      // Up to date: only read, so a service role without DDL rights can open the stores.
      int recorded = recordedVersion(sql);
      if (recorded == Migrations.latest()) {
        return recorded;
      }
      sql.execute(
          "create table if not exists gitops_schema_version ("
              + " version integer primary key,"
              + " description text not null,"
              + " applied_at timestamptz not null default now())");
      int current;
      try (ResultSet rows =
          sql.executeQuery("select coalesce(max(version), 0) from gitops_schema_version")) {
        rows.next();
        current = rows.getInt(1);
      }
      if (current > Migrations.latest()) {
        throw new SQLException(
            "the database holds gitops4j schema version "
                + current
                + ", newer than this library's "
                + Migrations.latest()
                + ": upgrade gitops-jdbc before using this database");
      }
      for (Migration migration : Migrations.ALL) {
        if (migration.version() <= current) {
          continue;
        }
        for (String statement : migration.statements()) {
          sql.execute(statement);
        }
        try (PreparedStatement record =
            c.prepareStatement(
                "insert into gitops_schema_version (version, description) values (?, ?)")) {
          record.setInt(1, migration.version());
          record.setString(2, migration.description());
          record.executeUpdate();
        }
        LOG.info(
            "gitops4j schema migrated to version {}: {}",
            migration.version(),
            migration.description());
        current = migration.version();
      }
      return current;
    }
  }
}
