package dev.gitops4j.generate;

import java.util.List;
import java.util.Map;

/**
 * What an evaluation of an {@link ApplicationSet} changes in the engine, or would change ({@link
 * ApplicationSet#preview()}).
 *
 * @param created applications registered, that were not before
 * @param updated applications registered again because their parameters or their rollout step
 *     changed
 * @param removed applications no longer generated: unregistered (orphan) or being deleted (prune)
 * @param unchanged applications left as they are
 * @param generated the parameters of each application the generator produces now, by name
 */
public record Changes(
    List<String> created,
    List<String> updated,
    List<String> removed,
    List<String> unchanged,
    Map<String, Parameters> generated) {

  public Changes {
    created = List.copyOf(created);
    updated = List.copyOf(updated);
    removed = List.copyOf(removed);
    unchanged = List.copyOf(unchanged);
    generated = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(generated));
  }

  /** Whether nothing changes. */
  public boolean isEmpty() {
    return created.isEmpty() && updated.isEmpty() && removed.isEmpty();
  }
}
