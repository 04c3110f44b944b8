package dev.gitops4j.engine;

import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;

/**
 * Callbacks about reconcile passes. Every method has an empty default so new callbacks never break
 * implementations. Exceptions thrown by a listener are logged and never stop the engine. Calls come
 * from engine threads; keep them quick.
 */
public interface ReconcileListener {

  default void passStarted(String application, Trigger trigger) {}

  default void passFinished(PassResult result) {}

  /** Desired and live state differ; called before any change is applied. */
  default void driftFound(String application, DriftReport report) {}

  /**
   * A pass is about to write: its plan for {@code revision} got past the policy, the sync windows,
   * an approval if one is required, the dependencies and the target's validation, and its first
   * step runs next. Called once per pass that writes, before its first {@link #changeApplied} or
   * {@link #changeFailed}; never for a pass with nothing to change, a dry run, or a pass that a
   * window, an approval or a dependency holds back. A commit status goes {@code pending} here.
   *
   * @param revision the revision the plan brings to the target
   * @param plan the steps about to run
   */
  default void syncStarting(String application, String revision, Plan plan) {}

  default void changeApplied(String application, StepResult result) {}

  default void changeFailed(String application, StepResult result) {}

  default void healthChanged(String application, Health previous, Health current) {}

  /** A new plan waits for approval. Called once per distinct plan. */
  default void approvalNeeded(ApprovalRequest request) {}
}
