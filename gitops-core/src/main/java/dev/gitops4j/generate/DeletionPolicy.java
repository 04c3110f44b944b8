package dev.gitops4j.generate;

/** What happens to an application its generator no longer produces. */
public enum DeletionPolicy {
  /**
   * Delete every object the application owns (its inventory, checked against each object's
   * ownership mark, as prune does), then unregister it. The deletion is a pass of its own, with the
   * application's sync windows, recorded in the history.
   */
  PRUNE,
  /** Unregister the application and leave its objects where they are. */
  ORPHAN
}
