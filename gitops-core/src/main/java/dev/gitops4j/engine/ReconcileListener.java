package dev.gitops4j.engine;

import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
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

  default void changeApplied(String application, StepResult result) {}

  default void changeFailed(String application, StepResult result) {}

  default void healthChanged(String application, Health previous, Health current) {}

  /** A new plan waits for approval. Called once per distinct plan. */
  default void approvalNeeded(ApprovalRequest request) {}
}
