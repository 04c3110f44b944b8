package dev.gitops4j.webhook.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** The most recent delivery ids, bounded; the least recently seen is forgotten first. */
public final class ReplayWindow {

  private final int capacity;
  private final LinkedHashMap<String, Boolean> seen;

  public ReplayWindow(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("replay window must be >= 0, was " + capacity);
    }
    this.capacity = capacity;
    this.seen =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > ReplayWindow.this.capacity;
          }
        };
  }

  /** Remembers {@code id}; false when it was already remembered (a replay). */
  public synchronized boolean firstTime(String id) {
    if (capacity == 0) {
      return true;
    }
    return seen.put(id, Boolean.TRUE) == null;
  }
}
