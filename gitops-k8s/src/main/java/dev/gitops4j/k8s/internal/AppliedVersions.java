package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.ResourceId;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For each managed object, the resourceVersion it had right after gitops4j last applied it (or last
 * verified it in sync) and the hash of the declared body at that time. One entry per managed
 * object; entries leave with their objects.
 */
public final class AppliedVersions {

  /** What gitops4j knows to be in the cluster for one object. */
  public record Applied(String resourceVersion, String hash) {}

  private final Map<ResourceId, Applied> entries = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  public void put(ResourceId id, String resourceVersion, String hash) {
    if (resourceVersion != null) {
      Applied applied = new Applied(resourceVersion, hash);
      if (!applied.equals(entries.put(id, applied))) {
        changes.incrementAndGet();
      }
    }
  }

  /** Entries restored from a previous process; they never replace what this one learned. */
  void restore(Map<ResourceId, Applied> stored) {
    stored.forEach(entries::putIfAbsent);
  }

  /** The entries of {@code ids} that are known. */
  Map<ResourceId, Applied> entriesOf(Collection<ResourceId> ids) {
    Map<ResourceId, Applied> known = new HashMap<>();
    for (ResourceId id : ids) {
      Applied applied = entries.get(id);
      if (applied != null) {
        known.put(id, applied);
      }
    }
    return known;
  }

  /** Grows with every change of an entry: equal counts mean nothing changed in between. */
  long changes() {
    return changes.get();
  }

  public Applied get(ResourceId id) {
    return entries.get(id);
  }

  public void remove(ResourceId id) {
    if (entries.remove(id) != null) {
      changes.incrementAndGet();
    }
  }

  /** Whether {@code resourceVersion} is the one gitops4j itself last wrote or verified. */
  public boolean isOurs(ResourceId id, String resourceVersion) {
    Applied applied = entries.get(id);
    return applied != null && applied.resourceVersion().equals(resourceVersion);
  }
}
