package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.CommitInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * What the engine keeps in memory about one application. Scheduling fields are guarded by the
 * runtime's monitor; pass fields are touched only by the pass in flight (never two at once). What
 * must survive a restart is in the {@link DurableState}, not here.
 */
public final class AppRuntime {

  /** Scheduling state. */
  enum State {
    IDLE,
    QUEUED,
    RUNNING
  }

  /** Desired state rendered from one revision, kept so unchanged revisions are not re-read. */
  record Rendered(String revision, String inputs, CommitInfo commit, DesiredState desired) {}

  /** A failure that will repeat for this revision until it changes. */
  record PermanentFailure(String revision, String inputs, String message) {}

  /** Since when a revision's next wave waits for the earlier ones to be healthy. */
  record Waiting(String revision, Instant since) {}

  private final Application app;

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
  Waiting waitingSince;
  String lastRecordKey;
  String announcedPlanId;
  Health health;

  volatile PassResult lastResult;
  AutoCloseable eventSubscription;

  AppRuntime(Application app) {
    this.app = app;
  }

  public Application app() {
    return app;
  }

  public PassResult lastResult() {
    return lastResult;
  }
}
