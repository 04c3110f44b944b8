package dev.gitops4j.notify;

/** What a {@link Notification} reports. */
public enum Event {
  /**
   * A pass is about to run the first step of its plan for a revision (dry runs and held-back passes
   * excluded): the sync is in progress (commit status {@code pending}, {@code running} on GitLab).
   */
  SYNC_STARTED,
  /** A pass left the target equal to the revision (changes applied, or nothing to change). */
  SYNC_SUCCEEDED,
  /** A pass failed; the notification carries the error. */
  SYNC_FAILED,
  /**
   * Live state differs from the revision and the policy did not correct it (detect-only, self-heal
   * off, a closed sync window).
   */
  DRIFT_FOUND,
  /** Health turned degraded or missing. */
  HEALTH_DEGRADED,
  /** Health turned healthy again after being degraded or missing. */
  HEALTH_RECOVERED,
  /** A plan waits for approval; the notification carries the plan id and the redacted diff. */
  APPROVAL_NEEDED
}
