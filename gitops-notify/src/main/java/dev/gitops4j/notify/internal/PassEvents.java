package dev.gitops4j.notify.internal;

import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.notify.Event;
import dev.gitops4j.notify.Notification;
import dev.gitops4j.notify.Notification.Changes;
import dev.gitops4j.notify.Notification.DriftSummary;
import dev.gitops4j.source.CommitInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Turns the engine's listener callbacks into notifications. The engine never runs two passes of one
 * application at once, so what one pass reported so far is kept per application until it finishes:
 * health changes are sent with the pass's revision once it is known.
 */
public final class PassEvents {

  private final Clock clock;
  private final Consumer<Notification> sink;
  private final Map<String, PassState> passes = new ConcurrentHashMap<>();

  private static final class PassState {
    final Trigger trigger;
    DriftReport drift;
    final List<Health[]> healthChanges = new ArrayList<>();

    PassState(Trigger trigger) {
      this.trigger = trigger;
    }
  }

  public PassEvents(Clock clock, Consumer<Notification> sink) {
    this.clock = clock;
    this.sink = sink;
  }

  public void passStarted(String application, Trigger trigger) {
    passes.put(application, new PassState(trigger));
  }

  public void driftFound(String application, DriftReport report) {
    PassState pass = passes.get(application);
    if (pass != null) {
      pass.drift = report;
    }
  }

  /**
   * The engine is about to run the first step of a plan: the sync of {@code revision} starts, so a
   * commit status goes pending before anything is written. Dry runs and held-back passes start
   * none.
   */
  public void syncStarting(String application, String revision, Plan plan) {
    PassState pass = passes.get(application);
    DriftReport drift = pass == null ? null : pass.drift;
    emit(
        Event.SYNC_STARTED,
        application,
        pass == null ? null : pass.trigger,
        revision,
        null,
        Changes.of(plan),
        null,
        "",
        false,
        drift == null ? null : DriftSummary.of(drift),
        "",
        "");
  }

  public void healthChanged(String application, Health previous, Health current) {
    PassState pass = passes.get(application);
    if (pass != null) {
      pass.healthChanges.add(new Health[] {previous, current});
    } else {
      health(application, null, "", previous, current);
    }
  }

  public void approvalNeeded(ApprovalRequest request) {
    PassState pass = passes.get(request.application());
    emit(
        Event.APPROVAL_NEEDED,
        request.application(),
        pass == null ? null : pass.trigger,
        request.revision(),
        null,
        request.plan() == null ? null : Changes.of(request.plan()),
        null,
        "",
        false,
        pass == null || pass.drift == null ? null : DriftSummary.of(pass.drift),
        request.diff(),
        request.planId());
  }

  public void passFinished(PassResult result) {
    PassState pass = passes.remove(result.application());
    Changes changes = Optional.ofNullable(result.plan()).map(Changes::of).orElse(null);
    switch (result.status()) {
      case SYNCED, IN_SYNC -> emit(Event.SYNC_SUCCEEDED, result, changes, "", false, null);
      case FAILED ->
          emit(Event.SYNC_FAILED, result, changes, result.error(), result.retryable(), null);
      case OUT_OF_SYNC ->
          emit(
              Event.DRIFT_FOUND,
              result,
              changes,
              "",
              false,
              Optional.ofNullable(result.drift()).map(DriftSummary::of).orElse(null));
      default -> {
        // Dry runs, waits, approvals (reported by approvalNeeded) and suspensions are no news.
      }
    }
    if (pass != null) {
      for (Health[] change : pass.healthChanges) {
        health(result.application(), result.trigger(), result.revision(), change[0], change[1]);
      }
    }
  }

  private void health(
      String application, Trigger trigger, String revision, Health previous, Health current) {
    boolean wasBad = previous != null && isBad(previous.status());
    Event event;
    if (isBad(current.status()) && !wasBad) {
      event = Event.HEALTH_DEGRADED;
    } else if (wasBad && current.status() == HealthStatus.HEALTHY) {
      event = Event.HEALTH_RECOVERED;
    } else {
      return;
    }
    emit(event, application, trigger, revision, null, null, current, "", false, null, "", "");
  }

  private static boolean isBad(HealthStatus status) {
    return status == HealthStatus.DEGRADED || status == HealthStatus.MISSING;
  }

  private void emit(
      Event event,
      PassResult result,
      Changes changes,
      String error,
      boolean retryable,
      DriftSummary drift) {
    emit(
        event,
        result.application(),
        result.trigger(),
        result.revision(),
        result.commit(),
        changes,
        result.health(),
        error,
        retryable,
        drift,
        "",
        result.planId());
  }

  private void emit(
      Event event,
      String application,
      Trigger trigger,
      String revision,
      CommitInfo commit,
      Changes changes,
      Health health,
      String error,
      boolean retryable,
      DriftSummary drift,
      String diff,
      String planId) {
    String author = "";
    if (commit != null && commit.author() != null) {
      author = commit.author().name() + " <" + commit.author().email() + ">";
    }
    sink.accept(
        new Notification(
            event,
            application,
            trigger,
            revision,
            author,
            commit == null ? "" : commit.subject(),
            changes,
            health,
            error,
            retryable,
            drift,
            diff,
            planId,
            clock.instant()));
  }
}
