package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.CommitInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * Mutable state of one application inside the engine. Scheduling fields are guarded by the
 * runtime's monitor; pass fields are touched only by the pass in flight (never two at once); fields
 * set from API calls are volatile.
 */
public final class AppRuntime {

  /** Scheduling state. */
  public enum State {
    IDLE,
    QUEUED,
    RUNNING
  }

  /** Desired state rendered from one revision, kept so unchanged revisions are not re-read. */
  public record Rendered(String revision, CommitInfo commit, DesiredState desired) {}

  /** A failure that will repeat for this revision until it changes. */
  public record PermanentFailure(String revision, String message) {}

  public final Application app;

  // Guarded by this.
  State state = State.IDLE;
  Trigger pendingTrigger;
  final List<CompletableFuture<PassResult>> waiters = new ArrayList<>();
  ScheduledFuture<?> timer;
  ScheduledFuture<?> debounce;
  int consecutiveFailures;
  boolean removed;

  // Touched by the pass in flight only.
  Rendered rendered;
  PermanentFailure permanentFailure;
  String lastAppliedRevision;
  String lastRecordKey;
  String announcedPlanId;
  Health health;

  // Set through the engine API.
  volatile boolean suspended;
  volatile String pinnedRevision;
  volatile String approvedPlanId;
  volatile PassResult lastResult;
  AutoCloseable eventSubscription;

  public AppRuntime(Application app) {
    this.app = app;
  }

  public void approve(String planId) {
    approvedPlanId = planId;
  }

  /** The pending approval, cleared so that it applies to one pass at most. */
  synchronized String takeApproval() {
    String taken = approvedPlanId;
    approvedPlanId = null;
    return taken;
  }

  public void pin(String revision) {
    pinnedRevision = revision;
  }

  public String pinned() {
    return pinnedRevision;
  }

  public void suspend(boolean suspend) {
    suspended = suspend;
  }

  public PassResult lastResult() {
    return lastResult;
  }
}
