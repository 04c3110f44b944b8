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
