package dev.gitops4j.sync.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    Files.createDirectories(directory);
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
    Path target = file(application);
    Path temp = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private Path file(String application) {
    return directory.resolve(safeName(application) + ".inventory.json");
  }

  /** Application names become file names; anything but [A-Za-z0-9._-] is percent-encoded. */
  private static String safeName(String application) {
    StringBuilder name = new StringBuilder();
    for (byte b : application.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || (c == '.' && name.length() > 0)) {
        name.append(c);
      } else {
        name.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return name.toString();
  }
}
