package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.CommitInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
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
  public record Rendered(String revision, String inputs, CommitInfo commit, DesiredState desired) {}

  /** A failure that will repeat for this revision until it changes. */
  public record PermanentFailure(String revision, String inputs, String message) {}

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

  /** History status of the record a rollback writes; {@link #UNPINNED} is written by unpin. */
  public static final String PINNED = "PINNED";

  public static final String UNPINNED = "UNPINNED";

  // How far back a restart looks for the newest pin or unpin record.
  private static final int PIN_LOOKBACK = 10_000;

  private boolean pinKnown;

  /**
   * Pins the application to {@code revision} (null unpins), recording it in the history first so
   * that a restart keeps the application where the operator put it.
   */
  public synchronized void pin(String revision, HistoryStore history, Instant now)
      throws IOException {
    if (history != null) {
      history.append(
          new HistoryRecord(
              now,
              app.name(),
              Trigger.ROLLBACK,
              revision == null ? "" : revision,
              "",
              "",
              "",
              revision == null ? UNPINNED : PINNED,
              "",
              List.of(),
              "",
              Duration.ZERO,
              ""));
    }
    pinnedRevision = revision;
    pinKnown = true;
  }

  /** The pinned revision or null; after a restart, read once from the history's newest pin. */
  public synchronized String pinned(HistoryStore history) {
    if (!pinKnown && history != null) {
      try {
        for (HistoryRecord record : history.list(app.name(), PIN_LOOKBACK)) {
          if (record.status().equals(PINNED)) {
            pinnedRevision = record.revision();
            break;
          }
          if (record.status().equals(UNPINNED)) {
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        // Not known yet: the next pass tries again rather than silently following the ref.
        throw new IllegalStateException(
            "cannot read the history of " + app.name() + " to find a rollback pin", e);
      }
    }
    pinKnown = true;
    return pinnedRevision;
  }

  public void suspend(boolean suspend) {
    suspended = suspend;
  }

  public PassResult lastResult() {
    return lastResult;
  }
}
