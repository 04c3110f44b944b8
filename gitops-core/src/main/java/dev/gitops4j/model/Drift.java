package dev.gitops4j.model;

import java.util.List;
import java.util.Objects;

/**
 * How one resource compares between desired and live state.
 *
 * @param id identity of the resource
 * @param status in sync, missing, modified or extraneous
 * @param desired the declared resource, {@code null} when {@link Status#EXTRANEOUS}
 * @param live the observed resource, {@code null} when {@link Status#MISSING}
 * @param changes differences when {@link Status#MODIFIED}, empty otherwise
 */
public record Drift(
    ResourceId id,
    Status status,
    DesiredResource desired,
    LiveResource live,
    List<Change> changes) {

  /** Comparison outcome for one resource. */
  public enum Status {
    /** Live equals desired after normalization and ignore rules. */
    IN_SYNC,
    /** Declared but absent from the target. */
    MISSING,
    /** Present in both, with differences. */
    MODIFIED,
    /** Present in the target but no longer declared. */
    EXTRANEOUS
  }

  public Drift {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    changes = List.copyOf(changes);
    if (status == Status.MODIFIED && changes.isEmpty()) {
      throw new IllegalArgumentException("a modified resource needs at least one change: " + id);
    }
    if (status != Status.EXTRANEOUS) {
      Objects.requireNonNull(desired, "desired");
    }
    if (status != Status.MISSING) {
      Objects.requireNonNull(live, "live");
    }
  }

  public static Drift inSync(DesiredResource desired, LiveResource live) {
    return new Drift(desired.id(), Status.IN_SYNC, desired, live, List.of());
  }

  public static Drift missing(DesiredResource desired) {
    return new Drift(desired.id(), Status.MISSING, desired, null, List.of());
  }

  public static Drift modified(DesiredResource desired, LiveResource live, List<Change> changes) {
    return new Drift(desired.id(), Status.MODIFIED, desired, live, changes);
  }

  public static Drift extraneous(LiveResource live) {
    return new Drift(live.id(), Status.EXTRANEOUS, null, live, List.of());
  }

  public boolean isInSync() {
    return status == Status.IN_SYNC;
  }
}
