package dev.gitops4j.engine;

import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.CommitInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one reconcile pass saw and did.
 *
 * @param application application name
 * @param trigger what started the pass
 * @param status outcome
 * @param revision revision reconciled, or empty when it could not be resolved
 * @param commit commit metadata, or {@code null}
 * @param drift comparison of desired and live state, or {@code null} when the pass failed earlier
 * @param plan the plan, or {@code null} when the pass failed before planning
 * @param planId id of the plan (hash of revision and steps), or empty
 * @param results outcome of each executed step
 * @param health aggregated health after the pass
 * @param error error message when {@link PassStatus#FAILED}, or empty
 * @param retryable whether a later retry of the same revision may succeed
 * @param started when the pass started
 * @param duration how long it took
 */
public record PassResult(
    String application,
    Trigger trigger,
    PassStatus status,
    String revision,
    CommitInfo commit,
    DriftReport drift,
    Plan plan,
    String planId,
    List<StepResult> results,
    Health health,
    String error,
    boolean retryable,
    Instant started,
    Duration duration) {

  public PassResult {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(status, "status");
    revision = Objects.requireNonNullElse(revision, "");
    planId = Objects.requireNonNullElse(planId, "");
    results = List.copyOf(results);
    error = Objects.requireNonNullElse(error, "");
    Objects.requireNonNull(started, "started");
    duration = Objects.requireNonNullElse(duration, Duration.ZERO);
  }

  public boolean failed() {
    return status == PassStatus.FAILED;
  }

  /** Number of steps that wrote to the target (applied, not dry runs). */
  public long writes() {
    return results.stream().filter(r -> r.outcome() == StepResult.Outcome.APPLIED).count();
  }
}
