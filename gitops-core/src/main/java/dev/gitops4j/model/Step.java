package dev.gitops4j.model;

import java.util.List;
import java.util.Objects;

/**
 * One write the executor performs against the target.
 *
 * @param action create, update or delete
 * @param id the resource written
 * @param desired the declared resource; {@code null} for deletes
 * @param live the observed resource; {@code null} for creates
 * @param changes the differences an update resolves; empty for creates and deletes
 */
public record Step(
    Action action,
    ResourceId id,
    DesiredResource desired,
    LiveResource live,
    List<Change> changes) {

  /** What a step does. */
  public enum Action {
    CREATE,
    UPDATE,
    DELETE
  }

  public Step {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(id, "id");
    changes = List.copyOf(changes);
    if (action != Action.DELETE) {
      Objects.requireNonNull(desired, "desired");
    }
    if (action != Action.CREATE) {
      Objects.requireNonNull(live, "live");
    }
  }

  @Override
  public String toString() {
    return action.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
  }
}
