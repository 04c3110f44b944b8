package dev.gitops4j.sync.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.internal.AtomicFiles;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON file per application. Writes go to a temporary file in the same folder, are forced to
 * disk, then renamed over the old file, so a crash leaves either the old or the new inventory.
 */
public final class FileInventoryStore implements InventoryStore {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  public FileInventoryStore(Path directory) {
    this.directory = directory;
  }

  @Override
  public synchronized Inventory load(String application) throws IOException {
    Path file = file(application);
    if (!Files.exists(file)) {
      return Inventory.empty();
    }
    JsonNode root = JSON.readTree(file.toFile());
    List<ResourceId> ids = new ArrayList<>();
    for (JsonNode entry : root.path("resources")) {
      ids.add(
          new ResourceId(
              entry.path("kind").asText(),
              entry.hasNonNull("scope") ? entry.get("scope").asText() : null,
              entry.path("name").asText()));
    }
    return Inventory.of(ids);
  }

  @Override
  public synchronized void save(String application, Inventory inventory) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("application", application);
    ArrayNode resources = root.putArray("resources");
    for (ResourceId id : inventory.resources()) {
      ObjectNode entry = resources.addObject();
      entry.put("kind", id.kind());
      if (id.scope() != null) {
        entry.put("scope", id.scope());
      }
      entry.put("name", id.name());
    }
    byte[] bytes =
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(root)
            .getBytes(StandardCharsets.UTF_8);
    AtomicFiles.replace(file(application), bytes);
  }

  private Path file(String application) {
    return directory.resolve(AtomicFiles.safeName(application) + ".inventory.json");
  }
}
