package dev.gitops4j.jdbc;

import dev.gitops4j.state.StateStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The engine's {@link StateStore} in PostgreSQL: one row per application and key in {@code
 * gitops_state}. Replicas that share the database share pins, suspensions, approvals and the last
 * applied revision, so an approval given through one replica is taken by the pass another runs.
 *
 * <p>Writes are not fenced on purpose: any replica may record an approval or a suspension; only the
 * leader's passes act on them. Each call is one statement, durable when it returns.
 */
public final class PostgresStateStore implements StateStore {

  private final DataSource data;

  private PostgresStateStore(DataSource data) {
    this.data = data;
  }

  /** A store over {@code data}; migrates the schema if needed. */
  public static PostgresStateStore open(DataSource data) throws IOException {
    Objects.requireNonNull(data, "data");
    PostgresSchema.migrate(data);
    return new PostgresStateStore(data);
  }

  @Override
  public Map<String, String> read(String application) throws IOException {
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement("select key, value from gitops_state where application = ?")) {
      select.setString(1, application);
      Map<String, String> values = new TreeMap<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          values.put(rows.getString(1), rows.getString(2));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new IOException("cannot read the state of " + application + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String application, String key, String value) throws IOException {
    Objects.requireNonNull(value, "value");
    update(
        application,
        key,
        "insert into gitops_state (application, key, value) values (?, ?, ?)"
            + " on conflict (application, key)"
            + " do update set value = excluded.value, updated_at = now()",
        value);
  }

  @Override
  public void remove(String application, String key) throws IOException {
    update(application, key, "delete from gitops_state where application = ? and key = ?", null);
  }

  private void update(String application, String key, String sql, String value) throws IOException {
    try (Connection c = data.getConnection();
        PreparedStatement statement = c.prepareStatement(sql)) {
      statement.setString(1, application);
      statement.setString(2, key);
      if (value != null) {
        statement.setString(3, value);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IOException(
          "cannot store " + key + " of " + application + ": " + e.getMessage(), e);
    }
  }
}
