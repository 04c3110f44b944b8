package dev.gitops4j.k8s.fleet;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which clusters of a registry a generator takes, by their labels: every label of {@code equal}
 * with that value, every label of {@code present} with any value, no label of {@code absent}.
 *
 * @param equal labels that must have the given value
 * @param present labels that must be set
 * @param absent labels that must not be set
 */
public record ClusterSelector(Map<String, String> equal, Set<String> present, Set<String> absent) {

  public ClusterSelector {
    equal = java.util.Collections.unmodifiableMap(new TreeMap<>(equal));
    present = java.util.Collections.unmodifiableSet(new TreeSet<>(present));
    absent = java.util.Collections.unmodifiableSet(new TreeSet<>(absent));
  }

  /** Every cluster. */
  public static ClusterSelector all() {
    return new ClusterSelector(Map.of(), Set.of(), Set.of());
  }

  /** Clusters with every one of these labels and values. */
  public static ClusterSelector labels(Map<String, String> labels) {
    return new ClusterSelector(labels, Set.of(), Set.of());
  }

  /** Clusters whose label {@code key} is {@code value}. */
  public static ClusterSelector label(String key, String value) {
    return labels(Map.of(key, value));
  }

  /** This selector, also asking that label {@code key} be set. */
  public ClusterSelector withLabel(String key) {
    Set<String> more = new TreeSet<>(present);
    more.add(Objects.requireNonNull(key, "key"));
    return new ClusterSelector(equal, more, absent);
  }

  /** This selector, also asking that label {@code key} not be set. */
  public ClusterSelector withoutLabel(String key) {
    Set<String> more = new TreeSet<>(absent);
    more.add(Objects.requireNonNull(key, "key"));
    return new ClusterSelector(equal, present, more);
  }

  /** Whether a cluster with {@code labels} is selected. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> entry : equal.entrySet()) {
      if (!entry.getValue().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    return labels.keySet().containsAll(present) && absent.stream().noneMatch(labels::containsKey);
  }
}
