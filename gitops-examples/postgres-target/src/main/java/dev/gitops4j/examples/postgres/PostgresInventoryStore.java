package dev.gitops4j.examples.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each application's inventory in the database it manages, in {@code
 * gitops4j.inventory(application, resources, version)}: it lives and is backed up with what it
 * describes, and survives the process.
 *
 * <p>Writes are optimistic: a save succeeds only if the row still has the version this store last
 * read or wrote, so two processes reconciling one application cannot silently overwrite each
 * other's inventory; the loser fails its pass and retries from a fresh load.
 */
final class PostgresInventoryStore implements InventoryStore {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[] SETUP = {
    "CREATE SCHEMA IF NOT EXISTS " + Identifiers.STATE_SCHEMA,
    """
    CREATE TABLE IF NOT EXISTS gitops4j.inventory (
      application text PRIMARY KEY,
      resources   jsonb NOT NULL,
      version     bigint NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now())
    """
  };

  private final Database database;
  private final Ownership ownership;

  /** Version last read or written per application; 0 when the row did not exist. */
  private final Map<String, Long> versions = new ConcurrentHashMap<>();

  private volatile boolean ready;

  PostgresInventoryStore(Database database, Ownership ownership) {
    this.database = database;
    this.ownership = ownership;
  }

  @Override
  public Inventory load(String application) throws IOException {
    checkApplication(application);
    String json =
        run(
            "load",
            connection -> {
              try (PreparedStatement query =
                  connection.prepareStatement(
                      "SELECT resources::text, version FROM gitops4j.inventory"
                          + " WHERE application = ?")) {
                query.setString(1, application);
                try (ResultSet row = query.executeQuery()) {
                  if (!row.next()) {
                    versions.put(application, 0L);
                    return "[]";
                  }
                  versions.put(application, row.getLong(2));
                  return row.getString(1);
                }
              }
            });
    return decode(json);
  }

  @Override
  public void save(String application, Inventory inventory) throws IOException {
    checkApplication(application);
    long expected = versions.getOrDefault(application, 0L);
    String resources = encode(inventory);
    int updated =
        run(
            "save",
            connection -> {
              String sql =
                  expected == 0
                      ? "INSERT INTO gitops4j.inventory (application, resources, version)"
                          + " VALUES (?, ?::jsonb, 1) ON CONFLICT (application) DO NOTHING"
                      : "UPDATE gitops4j.inventory SET resources = ?::jsonb, version = version + 1,"
                          + " updated_at = now() WHERE application = ? AND version = ?";
              try (PreparedStatement write = connection.prepareStatement(sql)) {
                if (expected == 0) {
                  write.setString(1, application);
                  write.setString(2, resources);
                } else {
                  write.setString(1, resources);
                  write.setString(2, application);
                  write.setLong(3, expected);
                }
                return write.executeUpdate();
              }
            });
    if (updated != 1) {
      versions.remove(application);
      throw new IOException(
          "the inventory of application "
              + application
              + " was changed by another process since it was read (version "
              + expected
              + "); the next pass reloads it");
    }
    versions.put(application, expected + 1);
  }

  private void checkApplication(String application) throws IOException {
    if (!ownership.application().equals(application)) {
      throw new IOException(
          "this target was built for application "
              + ownership.application()
              + ", not "
              + application
              + "; the names must match so markers and inventory agree");
    }
  }

  private <T> T run(String action, Database.Work<T> work) throws IOException {
    try {
      if (!ready) {
        database.transaction(
            false,
            false,
            connection -> {
              try (Statement sql = connection.createStatement()) {
                for (String statement : SETUP) {
                  sql.execute(statement);
                }
              }
              return null;
            });
        ready = true;
      }
      return database.transaction(false, false, work);
    } catch (SQLException e) {
      throw new IOException("cannot " + action + " the inventory: " + Database.describe(e), e);
    } catch (TargetException e) {
      throw new IOException("cannot " + action + " the inventory: " + e.getMessage(), e);
    }
  }

  private static String encode(Inventory inventory) {
    ArrayNode array = JSON.createArrayNode();
    for (ResourceId id : inventory.resources()) {
      array.addObject().put("kind", id.kind()).put("name", id.name());
    }
    return array.toString();
  }

  private static Inventory decode(String json) throws IOException {
    List<ResourceId> ids = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(json)) {
      ids.add(ResourceId.of(entry.path("kind").asText(), entry.path("name").asText()));
    }
    return Inventory.of(ids);
  }
}
