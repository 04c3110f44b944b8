package dev.gitops4j.model;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources an application owns in its target: what it created and has not yet deleted.
 *
 * @param resources owned identities, sorted
 */
public record Inventory(Set<ResourceId> resources) {

  public Inventory {
    resources = Collections.unmodifiableSet(new TreeSet<>(resources));
  }

  public static Inventory empty() {
    return new Inventory(Set.of());
  }

  public static Inventory of(Collection<ResourceId> ids) {
    return new Inventory(Set.copyOf(ids));
  }

  public boolean contains(ResourceId id) {
    return resources.contains(id);
  }

  public boolean isEmpty() {
    return resources.isEmpty();
  }

  /** A copy that also holds {@code ids}. */
  public Inventory plus(Collection<ResourceId> ids) {
    Set<ResourceId> union = new TreeSet<>(resources);
    union.addAll(ids);
    return new Inventory(union);
  }

  /** A copy without {@code ids}. */
  public Inventory minus(Collection<ResourceId> ids) {
    Set<ResourceId> rest = new TreeSet<>(resources);
    rest.removeAll(ids);
    return new Inventory(rest);
  }
}
