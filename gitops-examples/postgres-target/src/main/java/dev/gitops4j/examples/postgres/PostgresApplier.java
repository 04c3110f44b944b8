package dev.gitops4j.examples.postgres;

import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.postgresql.PGConnection;

/**
 * Creates, alters and drops roles and schemas. Each step is one transaction, so a step either
 * happens entirely or not at all; a dry run executes the same statements and rolls back, so
 * PostgreSQL itself validates them.
 *
 * <p>Every name goes through the driver's identifier quoting and every value through its literal
 * quoting; nothing from Git is concatenated into SQL raw. Drops are {@code RESTRICT}: a schema that
 * still holds tables is not dropped, and the step says why.
 */
final class PostgresApplier implements Applier {

  /**
   * Key of the advisory lock every step holds: concurrent DDL on roles fails with "tuple
   * concurrently updated/deleted" in PostgreSQL (two drops touching one membership), so steps of
   * one wave, and of other processes, take turns.
   */
  private static final long DDL_LOCK = 0x6769746f707334L;

  private final Database database;
  private final Ownership ownership;
  private final Function<String, String> secrets;

  PostgresApplier(Database database, Ownership ownership, Function<String, String> secrets) {
    this.database = database;
    this.ownership = ownership;
    this.secrets = secrets;
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    ResourceId id = step.id();
    try {
      return database.transaction(
          false,
          options.dryRun(),
          connection -> {
            try (Statement sql = connection.createStatement()) {
              sql.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
              return switch (step.action()) {
                case CREATE -> create(connection, sql, step);
                case UPDATE -> update(connection, sql, step, options.force());
                case DELETE -> delete(connection, sql, id);
              };
            }
          });
    } catch (SQLException e) {
      throw Database.failure(id + ": cannot " + step.action().name().toLowerCase() + " it", e);
    }
  }

  private String create(Connection connection, Statement sql, Step step)
      throws SQLException, TargetException {
    if (step.id().kind().equals(Role.KIND)) {
      Role role = Role.fromJson(step.desired().body());
      String name = Database.ident(connection, role.name());
      sql.execute("CREATE ROLE " + name + attributes(connection, role, false));
      for (String parent : role.memberOf()) {
        sql.execute("GRANT " + Database.ident(connection, parent) + " TO " + name);
      }
      mark(connection, sql, "ROLE", role.name());
      setPassword(connection, role);
      return "";
    }
    Schema schema = Schema.fromJson(step.desired().body());
    String name = Database.ident(connection, schema.name());
    sql.execute(
        "CREATE SCHEMA " + name + " AUTHORIZATION " + Database.ident(connection, schema.owner()));
    for (Schema.Grant grant : schema.grants()) {
      sql.execute(grant(connection, "GRANT", grant.privileges(), name, grant.role()));
    }
    mark(connection, sql, "SCHEMA", schema.name());
    return "";
  }

  private String update(Connection connection, Statement sql, Step step, boolean force)
      throws SQLException, TargetException {
    String remark = "";
    if (!step.live().owned()) {
      if (!force) {
        throw new TargetException(
            step.id()
                + " exists but is not managed by application "
                + ownership.application()
                + "; not changed (sync with force to adopt it)",
            false);
      }
      remark = "adopted";
    }
    if (step.id().kind().equals(Role.KIND)) {
      Role desired = Role.fromJson(step.desired().body());
      Role live = Role.fromJson(step.live().body());
      String name = Database.ident(connection, desired.name());
      sql.execute("ALTER ROLE " + name + attributes(connection, desired, true));
      for (String parent : minus(desired.memberOf(), live.memberOf())) {
        sql.execute("GRANT " + Database.ident(connection, parent) + " TO " + name);
      }
      for (String parent : minus(live.memberOf(), desired.memberOf())) {
        sql.execute("REVOKE " + Database.ident(connection, parent) + " FROM " + name);
      }
      mark(connection, sql, "ROLE", desired.name());
      return remark;
    }
    Schema desired = Schema.fromJson(step.desired().body());
    Schema live = Schema.fromJson(step.live().body());
    String name = Database.ident(connection, desired.name());
    if (!desired.owner().equals(live.owner())) {
      sql.execute(
          "ALTER SCHEMA " + name + " OWNER TO " + Database.ident(connection, desired.owner()));
    }
    Map<String, Set<String>> want = desired.privilegesByRole();
    Map<String, Set<String>> have = live.privilegesByRole();
    Set<String> roles = new TreeSet<>(want.keySet());
    roles.addAll(have.keySet());
    for (String role : roles) {
      Set<String> wanted = want.getOrDefault(role, Set.of());
      Set<String> held = have.getOrDefault(role, Set.of());
      Set<String> grant = minus(wanted, held);
      Set<String> revoke = minus(held, wanted);
      if (!grant.isEmpty()) {
        sql.execute(grant(connection, "GRANT", grant, name, role));
      }
      if (!revoke.isEmpty()) {
        sql.execute(grant(connection, "REVOKE", revoke, name, role));
      }
    }
    mark(connection, sql, "SCHEMA", desired.name());
    return remark;
  }

  /**
   * Drops a role or schema, after checking in the same transaction that it still carries this
   * application's marker: the planner decided on an observation that may be stale.
   */
  private String delete(Connection connection, Statement sql, ResourceId id)
      throws SQLException, TargetException {
    boolean role = id.kind().equals(Role.KIND);
    String query =
        role
            ? "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?"
            : "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = ?";
    try (PreparedStatement marker = connection.prepareStatement(query)) {
      marker.setString(1, id.name());
      try (ResultSet rows = marker.executeQuery()) {
        if (!rows.next()) {
          return "already gone";
        }
        if (!ownership.owns(rows.getString(1))) {
          throw new TargetException(
              id
                  + " no longer carries the marker of application "
                  + ownership.application()
                  + "; not dropped",
              false);
        }
      }
    }
    sql.execute((role ? "DROP ROLE " : "DROP SCHEMA ") + Database.ident(connection, id.name()));
    return "";
  }

  /** Role attributes; on ALTER, absent values are spelled out so they are reset. */
  private static String attributes(Connection connection, Role role, boolean alter)
      throws SQLException {
    StringBuilder text = new StringBuilder();
    text.append(role.login() ? " LOGIN" : " NOLOGIN");
    text.append(" CONNECTION LIMIT ").append(role.connectionLimit());
    if (role.validUntil() != null) {
      text.append(" VALID UNTIL ")
          .append(Database.literal(connection, role.validUntil().toString()));
    } else if (alter) {
      text.append(" VALID UNTIL 'infinity'");
    }
    return text.toString();
  }

  private void mark(Connection connection, Statement sql, String type, String name)
      throws SQLException {
    sql.execute(
        "COMMENT ON "
            + type
            + " "
            + Database.ident(connection, name)
            + " IS "
            + Database.literal(connection, ownership.marker()));
  }

  /**
   * Sets the password through the driver, which hashes it (SCRAM) on the client: the clear text
   * reaches neither the server nor its logs.
   */
  private void setPassword(Connection connection, Role role) throws SQLException, TargetException {
    if (role.passwordFromEnv() == null) {
      return;
    }
    String password = secrets.apply(role.passwordFromEnv());
    if (password == null) {
      throw new TargetException(
          Role.id(role.name()) + ": environment variable " + role.passwordFromEnv() + " is not set",
          false);
    }
    connection
        .unwrap(PGConnection.class)
        .alterUserPassword(role.name(), password.toCharArray(), "scram-sha-256");
  }

  private static String grant(
      Connection connection, String verb, Set<String> privileges, String schema, String role)
      throws SQLException {
    // Privileges come from a closed set checked by the renderer (USAGE, CREATE).
    String list = String.join(", ", new TreeSet<>(privileges));
    String direction = verb.equals("GRANT") ? " TO " : " FROM ";
    return verb
        + " "
        + list
        + " ON SCHEMA "
        + schema
        + direction
        + Database.ident(connection, role);
  }

  private static <T extends Comparable<T>> Set<T> minus(
      java.util.Collection<T> a, java.util.Collection<T> b) {
    Set<T> rest = new TreeSet<>(a);
    rest.removeAll(b);
    return rest;
  }
}
