package dev.gitops4j.model;

import java.util.List;
import java.util.Objects;

/**
 * The comparison of one revision's desired state with the live state.
 *
 * @param revision the source revision compared
 * @param drifts one entry per resource that is declared or live, in a stable order
 */
public record DriftReport(String revision, List<Drift> drifts) {

  public DriftReport {
    Objects.requireNonNull(revision, "revision");
    drifts = List.copyOf(drifts);
  }

  /** Entries that are not in sync. */
  public List<Drift> outOfSync() {
    return drifts.stream().filter(drift -> !drift.isInSync()).toList();
  }

  public boolean isInSync() {
    return drifts.stream().allMatch(Drift::isInSync);
  }

  public long count(Drift.Status status) {
    return drifts.stream().filter(drift -> drift.status() == status).count();
  }
}
