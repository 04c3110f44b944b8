package dev.gitops4j.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What happened when one step ran.
 *
 * @param step the step
 * @param outcome applied, failed or skipped
 * @param message detail for reports: error text or target remark; may be empty, never a secret
 * @param duration time spent on the step
 */
public record StepResult(Step step, Outcome outcome, String message, Duration duration) {

  /** Result of one step. */
  public enum Outcome {
    /** The write succeeded. */
    APPLIED,
    /** Dry run: the target accepted the write but persisted nothing. */
    DRY_RUN,
    /** The write failed. */
    FAILED,
    /** Not attempted, because an earlier wave failed or the pass was cancelled. */
    SKIPPED
  }

  public StepResult {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(outcome, "outcome");
    message = message == null ? "" : message;
    duration = duration == null ? Duration.ZERO : duration;
  }

  public boolean failed() {
    return outcome == Outcome.FAILED;
  }
}
