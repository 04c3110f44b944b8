package dev.gitops4j.model;

/** What started a reconcile pass. */
public enum Trigger {
  /** The application's polling interval elapsed. */
  INTERVAL,
  /** A Git hosting webhook reported a push. */
  WEBHOOK,
  /** Someone asked for a pass through the API or CLI. */
  MANUAL,
  /** The target reported that a managed resource changed or vanished. */
  TARGET_EVENT,
  /** A retry after a transient failure. */
  RETRY,
  /** An approved plan is being applied. */
  APPROVAL,
  /** A rollback or unpin changed the revision to follow. */
  ROLLBACK
}
