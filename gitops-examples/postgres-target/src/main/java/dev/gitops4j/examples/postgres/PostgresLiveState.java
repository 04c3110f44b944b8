package dev.gitops4j.examples.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads roles and schemas from the system catalogs, in one read-only snapshot, into the same shape
 * the renderer produces ({@link Role#toJson()}, {@link Schema#toJson()}). Only the names the
 * revision declares or the inventory holds are read.
 *
 * <p>Normalized so that nothing differs that is not different: lists sorted, {@code VALID UNTIL
 * 'infinity'} read as no expiry, timestamps in UTC to the second, the owner's implicit privileges
 * and grants to PUBLIC left out of a schema's grants.
 */
final class PostgresLiveState implements LiveStateProvider {

  private static final String ROLES =
      """
      SELECT r.rolname, r.rolcanlogin, r.rolconnlimit,
             CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity' THEN NULL
                  ELSE to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
             END AS valid_until,
             shobj_description(r.oid, 'pg_authid') AS marker
        FROM pg_roles r
       WHERE r.rolname = ANY (?)
      """;

  private static final String MEMBERSHIPS =
      """
      SELECT m.rolname AS member, g.rolname AS parent
        FROM pg_auth_members a
        JOIN pg_roles m ON m.oid = a.member
        JOIN pg_roles g ON g.oid = a.roleid
       WHERE m.rolname = ANY (?)
      """;

  private static final String SCHEMAS =
      """
      SELECT n.nspname, pg_get_userbyid(n.nspowner) AS owner,
             obj_description(n.oid, 'pg_namespace') AS marker
        FROM pg_namespace n
       WHERE n.nspname = ANY (?)
      """;

  /** Explicit privileges; a NULL acl means the owner's defaults, which list no one else. */
  private static final String GRANTS =
      """
      SELECT DISTINCT n.nspname, pg_get_userbyid(a.grantee) AS grantee, a.privilege_type
        FROM pg_namespace n,
             aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
       WHERE n.nspname = ANY (?) AND a.grantee <> n.nspowner AND a.grantee <> 0
      """;

  private final Database database;
  private final Ownership ownership;

  PostgresLiveState(Database database, Ownership ownership) {
    this.database = database;
    this.ownership = ownership;
  }

  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    Set<String> roleNames = new TreeSet<>();
    Set<String> schemaNames = new TreeSet<>();
    List<ResourceId> wanted = new ArrayList<>(desired.resources().keySet());
    wanted.addAll(inventory.resources());
    for (ResourceId id : wanted) {
      (id.kind().equals(Role.KIND) ? roleNames : schemaNames).add(id.name());
    }
    try {
      return database.transaction(
          true,
          false,
          connection -> {
            List<LiveResource> live = new ArrayList<>();
            if (!roleNames.isEmpty()) {
              live.addAll(roles(connection, roleNames));
            }
            if (!schemaNames.isEmpty()) {
              live.addAll(schemas(connection, schemaNames));
            }
            return LiveState.of(live);
          });
    } catch (SQLException e) {
      throw Database.failure("cannot read roles and schemas", e);
    }
  }

  private List<LiveResource> roles(Connection connection, Collection<String> names)
      throws SQLException {
    Map<String, List<String>> memberOf = new TreeMap<>();
    try (PreparedStatement query = connection.prepareStatement(MEMBERSHIPS)) {
      query.setArray(1, textArray(connection, names));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          memberOf
              .computeIfAbsent(rows.getString(1), k -> new ArrayList<>())
              .add(rows.getString(2));
        }
      }
    }
    List<LiveResource> roles = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(ROLES)) {
      query.setArray(1, textArray(connection, names));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          String validUntil = rows.getString(4);
          Role role =
              new Role(
                  name,
                  rows.getBoolean(2),
                  rows.getInt(3),
                  validUntil == null ? null : Instant.parse(validUntil),
                  memberOf.getOrDefault(name, List.of()),
                  null);
          roles.add(live(Role.id(name), role.toJson(), rows.getString(5)));
        }
      }
    }
    return roles;
  }

  private List<LiveResource> schemas(Connection connection, Collection<String> names)
      throws SQLException {
    Map<String, Map<String, Set<String>>> privileges = new TreeMap<>();
    try (PreparedStatement query = connection.prepareStatement(GRANTS)) {
      query.setArray(1, textArray(connection, names));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          privileges
              .computeIfAbsent(rows.getString(1), k -> new TreeMap<>())
              .computeIfAbsent(rows.getString(2), k -> new TreeSet<>())
              .add(rows.getString(3));
        }
      }
    }
    List<LiveResource> schemas = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(SCHEMAS)) {
      query.setArray(1, textArray(connection, names));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          List<Schema.Grant> grants = new ArrayList<>();
          privileges
              .getOrDefault(name, Map.of())
              .forEach((role, granted) -> grants.add(new Schema.Grant(role, granted)));
          Schema schema = new Schema(name, rows.getString(2), grants);
          schemas.add(live(Schema.id(name), schema.toJson(), rows.getString(3)));
        }
      }
    }
    return schemas;
  }

  /** The version token is a hash of what was observed, marker included. */
  private LiveResource live(ResourceId id, JsonNode body, String comment) {
    String version = sha256(body + "\n" + comment);
    return new LiveResource(id, body, version, ownership.owns(comment));
  }

  private static Array textArray(Connection connection, Collection<String> names)
      throws SQLException {
    return connection.createArrayOf("text", names.toArray(new String[0]));
  }

  private static String sha256(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
