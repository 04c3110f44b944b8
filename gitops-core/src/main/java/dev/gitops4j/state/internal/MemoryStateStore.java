package dev.gitops4j.state.internal;

import dev.gitops4j.state.StateStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** State kept in this process only. */
public final class MemoryStateStore implements StateStore {

  private final Map<String, Map<String, String>> values = new ConcurrentHashMap<>();

  @Override
  public Map<String, String> read(String application) {
    Map<String, String> stored = values.get(application);
    if (stored == null) {
      return Map.of();
    }
    synchronized (stored) {
      return Map.copyOf(stored);
    }
  }

  @Override
  public void put(String application, String key, String value) {
    Map<String, String> stored = values.computeIfAbsent(application, name -> new TreeMap<>());
    synchronized (stored) {
      stored.put(key, value);
    }
  }

  @Override
  public void remove(String application, String key) {
    Map<String, String> stored = values.get(application);
    if (stored != null) {
      synchronized (stored) {
        stored.remove(key);
      }
    }
  }
}
