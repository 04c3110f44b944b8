package dev.gitops4j.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Inventories in PostgreSQL: one row per application in {@code gitops_inventory} holding the owned
 * identities as JSON and a {@code version}.
 *
 * <p>Optimistic concurrency: {@link #load} remembers the version it read, and {@link #save} writes
 * only if the row still has that version ({@code update … where version = ?}), moving it on by one.
 * A writer that lost the race, because another replica or store instance saved in between, gets a
 * {@link ConcurrentWriteException} and nothing is written. A save without a load of the same
 * application by this instance expects no row yet.
 *
 * <p>With a {@link PostgresLease} as fence, the lease token is confirmed inside the save's
 * transaction, so a deposed holder's save is refused ({@link dev.gitops4j.engine.FencedException})
 * and changes nothing. Any other {@link Fence} is checked just before the transaction.
 *
 * <p>Durable when {@code save} returns. Thread-safe.
 */
public final class PostgresInventoryStore implements InventoryStore {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource data;
  private final Fence fence;
  private final Map<String, Long> versions = new ConcurrentHashMap<>(); // 0: no row when read

  private PostgresInventoryStore(DataSource data, Fence fence) {
    this.data = data;
    this.fence = fence;
  }

  /** A store over {@code data} without fencing; migrates the schema if needed. */
  public static PostgresInventoryStore open(DataSource data) throws IOException {
    return open(data, Fence.NONE);
  }

  /**
   * A store over {@code data} whose saves are refused once {@code fence} says this process lost the
   * right to write; migrates the schema if needed.
   */
  public static PostgresInventoryStore open(DataSource data, Fence fence) throws IOException {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(fence, "fence");
    PostgresSchema.migrate(data);
    return new PostgresInventoryStore(data, fence);
  }

  @Override
  public Inventory load(String application) throws IOException {
    Objects.requireNonNull(application, "application");
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select version, resources from gitops_inventory where application = ?")) {
      select.setString(1, application);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          versions.put(application, 0L);
          return Inventory.empty();
        }
        long version = rows.getLong(1);
        Inventory inventory = decode(application, rows.getString(2));
        versions.put(application, version);
        return inventory;
      }
    } catch (SQLException e) {
      throw new IOException(
          "cannot load the inventory of " + application + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void save(String application, Inventory inventory) throws IOException {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(inventory, "inventory");
    String resources = encode(inventory);
    long expected = versions.getOrDefault(application, 0L);
    int written;
    try {
      written =
          FencedWrite.run(
              data,
              fence,
              application,
              c ->
                  expected == 0
                      ? insert(c, application, resources)
                      : update(c, application, resources, expected));
    } catch (SQLException e) {
      throw new IOException(
          "cannot save the inventory of " + application + ": " + e.getMessage(), e);
    }
    if (written == 0) {
      versions.remove(application);
      throw new ConcurrentWriteException(
          application,
          "the inventory of "
              + application
              + " was changed by another writer since it was read"
              + (expected == 0 ? " (it was absent)" : " (at version " + expected + ")")
              + "; nothing was saved: load it again and retry");
    }
    versions.put(application, expected + 1);
  }

  private static int insert(Connection c, String application, String resources)
      throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "insert into gitops_inventory (application, version, resources) values (?, 1, ?)"
                + " on conflict (application) do nothing")) {
      insert.setString(1, application);
      insert.setString(2, resources);
      return insert.executeUpdate();
    }
  }

  private static int update(Connection c, String application, String resources, long expected)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "update gitops_inventory set version = version + 1, resources = ?, updated_at = now()"
                + " where application = ? and version = ?")) {
      update.setString(1, resources);
      update.setString(2, application);
      update.setLong(3, expected);
      return update.executeUpdate();
    }
  }

  private static String encode(Inventory inventory) throws IOException {
    ArrayNode entries = JSON.createArrayNode();
    for (ResourceId id : inventory.resources()) {
      ObjectNode entry = entries.addObject().put("kind", id.kind());
      if (id.scope() != null) {
        entry.put("scope", id.scope());
      }
      entry.put("name", id.name());
    }
    return JSON.writeValueAsString(entries);
  }

  private static Inventory decode(String application, String json) throws IOException {
    List<ResourceId> ids = new ArrayList<>();
    try {
      JsonNode entries = JSON.readTree(json);
      if (entries == null || !entries.isArray()) {
        throw new IOException("not a JSON array");
      }
      int index = 0;
      for (JsonNode entry : entries) {
        index++;
        JsonNode kind = entry.get("kind");
        JsonNode name = entry.get("name");
        JsonNode scope = entry.get("scope");
        if (kind == null || !kind.isTextual() || name == null || !name.isTextual()) {
          throw new IOException("entry " + index + " lacks a text 'kind' or 'name'");
        }
        ids.add(
            ResourceId.of(
                kind.textValue(), scope == null ? null : scope.asText(), name.textValue()));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(
          "gitops_inventory row of " + application + " is unreadable: " + e.getMessage(), e);
    }
    return Inventory.of(ids);
  }

  @Override
  public String toString() {
    return "PostgresInventoryStore[" + data + "]";
  }
}
