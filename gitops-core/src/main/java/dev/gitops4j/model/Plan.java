package dev.gitops4j.model;

import java.util.List;
import java.util.Objects;

/**
 * The ordered writes that bring the target to one revision.
 *
 * @param revision the source revision the plan realizes
 * @param waves ordered waves; empty when nothing needs to change
 * @param kept extraneous resources left in place, and why (prune off, not owned)
 */
public record Plan(String revision, List<Wave> waves, List<Kept> kept) {

  /**
   * An extraneous resource the plan does not delete.
   *
   * @param id the resource
   * @param reason why it stays, for reports
   */
  public record Kept(ResourceId id, String reason) {}

  public Plan {
    Objects.requireNonNull(revision, "revision");
    waves = List.copyOf(waves);
    kept = List.copyOf(kept);
  }

  /** All steps in execution order. */
  public List<Step> steps() {
    return waves.stream().flatMap(wave -> wave.steps().stream()).toList();
  }

  public boolean isEmpty() {
    return waves.isEmpty();
  }

  public long count(Step.Action action) {
    return steps().stream().filter(step -> step.action() == action).count();
  }

  /** {@code 2 to create, 1 to update, 0 to delete}: the one-line form for logs and history. */
  public String summary() {
    return count(Step.Action.CREATE)
        + " to create, "
        + count(Step.Action.UPDATE)
        + " to update, "
        + count(Step.Action.DELETE)
        + " to delete";
  }
}
