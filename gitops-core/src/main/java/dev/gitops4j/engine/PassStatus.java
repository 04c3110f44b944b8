package dev.gitops4j.engine;

/** Outcome of one reconcile pass. */
public enum PassStatus {
  /** Live state already matched the revision; nothing was written. */
  IN_SYNC,
  /** Changes were applied and the target now matches the revision. */
  SYNCED,
  /** Every step was sent as a dry run; nothing was persisted. */
  DRY_RUN,
  /** Drift exists and the policy says not to correct it now. */
  OUT_OF_SYNC,
  /**
   * Applied up to a wave that waits for the earlier waves to become healthy ({@link WaveHealth});
   * the error says what it waits for, and the next pass follows after the poll interval.
   */
  PROGRESSING,
  /**
   * A plan waits for a dependency ({@code Application.dependsOn}) to be synced at its current
   * revision and healthy; the error says which; nothing was written. The pass runs again when the
   * dependency gets there.
   */
  WAITING,
  /** A plan waits for approval. */
  AWAITING_APPROVAL,
  /** The pass failed; see the error. */
  FAILED,
  /**
   * The application is suspended, or this process may not write for it (its {@link Fence} says
   * another replica holds the lease; the error says which); nothing was read or written.
   */
  SUSPENDED
}
