package dev.gitops4j.sync;

import dev.gitops4j.model.Inventory;
import dev.gitops4j.sync.internal.FileInventoryStore;
import dev.gitops4j.sync.internal.MemoryInventoryStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where an application's inventory (the resources it owns) is kept. The engine writes it ahead of
 * creates and trims it only after deletes succeeded, so a crash never orphans a resource.
 *
 * <p>Targets keep it next to what they manage when they can (Kubernetes: a ConfigMap in the
 * cluster; hosts: a state file on the host), so it survives the process.
 */
public interface InventoryStore {

  /** The stored inventory of {@code application}, or an empty one. */
  Inventory load(String application) throws IOException;

  /** Replaces the stored inventory of {@code application}; durable when this returns. */
  void save(String application, Inventory inventory) throws IOException;

  /** Inventories kept in this process only; for tests and throwaway targets. */
  static InventoryStore inMemory() {
    return new MemoryInventoryStore();
  }

  /** One JSON file per application in {@code directory}, replaced atomically. */
  static InventoryStore inDirectory(Path directory) {
    return new FileInventoryStore(directory);
  }
}
