package dev.gitops4j.live;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.TargetException;

/** Reads the live counterpart of desired and owned resources from a target. */
public interface LiveStateProvider {

  /**
   * Observes every resource that {@code desired} declares or {@code inventory} holds. Resources
   * that do not exist are absent from the result.
   */
  LiveState observe(DesiredState desired, Inventory inventory) throws TargetException;
}
