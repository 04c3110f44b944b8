package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.ResourceId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For each managed object, the resourceVersion it had right after gitops4j last applied it (or last
 * verified it in sync) and the hash of the declared body at that time. One entry per managed
 * object; entries leave with their objects.
 */
public final class AppliedVersions {

  /** What gitops4j knows to be in the cluster for one object. */
  public record Applied(String resourceVersion, String hash) {}

  private final Map<ResourceId, Applied> entries = new ConcurrentHashMap<>();

  public void put(ResourceId id, String resourceVersion, String hash) {
    if (resourceVersion != null) {
      entries.put(id, new Applied(resourceVersion, hash));
    }
  }

  public Applied get(ResourceId id) {
    return entries.get(id);
  }

  public void remove(ResourceId id) {
    entries.remove(id);
  }

  /** Whether {@code resourceVersion} is the one gitops4j itself last wrote or verified. */
  public boolean isOurs(ResourceId id, String resourceVersion) {
    Applied applied = entries.get(id);
    return applied != null && applied.resourceVersion().equals(resourceVersion);
  }
}
