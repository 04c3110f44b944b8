package dev.gitops4j.sync.internal;

import dev.gitops4j.model.Inventory;
import dev.gitops4j.sync.InventoryStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Inventories in a map; lost with the process. */
public final class MemoryInventoryStore implements InventoryStore {

  private final Map<String, Inventory> inventories = new ConcurrentHashMap<>();

  @Override
  public Inventory load(String application) {
    return inventories.getOrDefault(application, Inventory.empty());
  }

  @Override
  public void save(String application, Inventory inventory) {
    inventories.put(application, inventory);
  }
}
