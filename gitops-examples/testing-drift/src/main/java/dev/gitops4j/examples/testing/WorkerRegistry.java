package dev.gitops4j.examples.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The team's worker registry: one JSON file per worker under a directory, read by the worker
 * processes. It behaves like many real systems do, which is what makes drift logic necessary:
 *
 * <ul>
 *   <li>it fills in {@link WorkerDrift#DEFAULTS} and a {@code spec.replicas} of 1 when a worker
 *       leaves them out;
 *   <li>it writes its own {@code status};
 *   <li>the autoscaler changes {@code spec.replicas} ({@link #scale}), and a write that does not
 *       declare replicas keeps the autoscaler's value.
 * </ul>
 *
 * <p>Each entry records who manages it and a version that grows with every write. Writes replace
 * the file atomically. Thread-safe within one process.
 */
public final class WorkerRegistry {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");

  /**
   * One stored worker.
   *
   * @param manifest the worker as the registry holds it, defaults and status included
   * @param version grows with every write
   * @param managedBy who created it, or empty when created by hand
   */
  public record Entry(JsonNode manifest, long version, String managedBy) {
    public Entry {
      Objects.requireNonNull(manifest, "manifest");
      managedBy = Objects.requireNonNullElse(managedBy, "");
    }
  }

  private final Path directory;
  private final ObjectMapper json = new ObjectMapper();

  public WorkerRegistry(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  public Path directory() {
    return directory;
  }

  /** The stored worker, if any. */
  public synchronized Optional<Entry> read(String namespace, String name) throws IOException {
    Path file = file(namespace, name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode stored = json.readTree(file.toFile());
    return Optional.of(
        new Entry(
            stored.get("manifest"),
            stored.path("version").asLong(),
            stored.path("managedBy").asText("")));
  }

  /**
   * Creates or replaces a worker, filling in defaults and status as the registry does.
   *
   * @param managedBy recorded with the entry; kept from the existing entry when it has one
   * @return the stored entry
   * @throws IllegalArgumentException when the manifest has no {@code spec} object
   */
  public synchronized Entry write(
      String namespace, String name, JsonNode manifest, String managedBy) throws IOException {
    if (!manifest.path("spec").isObject()) {
      throw new IllegalArgumentException(
          "worker " + namespace + "/" + name + " has no spec object");
    }
    Optional<Entry> current = read(namespace, name);
    ObjectNode stored = manifest.deepCopy();
    ObjectNode spec = (ObjectNode) stored.get("spec");
    WorkerDrift.DEFAULTS.forEach(
        (field, value) -> {
          if (!spec.has(field)) {
            spec.put(field, value);
          }
        });
    if (!spec.has("replicas")) {
      int replicas =
          current.map(e -> e.manifest().path("spec").path("replicas").asInt(1)).orElse(1);
      spec.put("replicas", replicas);
    }
    long version = current.map(Entry::version).orElse(0L) + 1;
    stored.putObject("status").put("phase", "Registered").put("generation", version);
    Entry entry = new Entry(stored, version, current.map(Entry::managedBy).orElse(managedBy));
    save(namespace, name, entry);
    return entry;
  }

  /** The autoscaler's write: sets {@code spec.replicas} of an existing worker. */
  public synchronized void scale(String namespace, String name, int replicas) throws IOException {
    Entry entry =
        read(namespace, name)
            .orElseThrow(() -> new IllegalArgumentException("no worker " + namespace + "/" + name));
    ObjectNode manifest = entry.manifest().deepCopy();
    ((ObjectNode) manifest.get("spec")).put("replicas", replicas);
    save(namespace, name, new Entry(manifest, entry.version() + 1, entry.managedBy()));
  }

  /** Removes a worker; false when there was none. */
  public synchronized boolean delete(String namespace, String name) throws IOException {
    return Files.deleteIfExists(file(namespace, name));
  }

  private void save(String namespace, String name, Entry entry) throws IOException {
    Path file = file(namespace, name);
    Files.createDirectories(file.getParent());
    ObjectNode stored = json.createObjectNode();
    stored.put("version", entry.version());
    stored.put("managedBy", entry.managedBy());
    stored.set("manifest", entry.manifest());
    Path temp = Files.createTempFile(file.getParent(), "." + name, ".tmp");
    try {
      json.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), stored);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private Path file(String namespace, String name) {
    requireName(namespace, "namespace");
    requireName(name, "name");
    return directory.resolve(namespace).resolve(name + ".json");
  }

  private static void requireName(String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "worker " + what + " '" + value + "' must match " + NAME.pattern());
    }
  }
}
