package dev.gitops4j.generate;

import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.HealthStatus;
import java.util.List;
import java.util.Optional;

/**
 * Where the rollout of an {@link ApplicationSet} stands, step by step, from the latest pass of each
 * application.
 *
 * @param steps the steps in rollout order
 */
public record RolloutStatus(List<Step> steps) {

  public RolloutStatus {
    steps = List.copyOf(steps);
  }

  /** The state of one step. */
  public enum StepState {
    /** Every application synced its current revision and is healthy. */
    DONE,
    /** Some application has not got there yet, and none is Degraded or failed. */
    IN_PROGRESS,
    /** An application is Degraded or its pass failed: later steps do not write. */
    STOPPED,
    /** An earlier step is not done: this step's applications wait. */
    PENDING
  }

  /**
   * One step.
   *
   * @param index 0-based position in the rollout
   * @param state where the step stands
   * @param applications its applications
   */
  public record Step(int index, StepState state, List<ApplicationState> applications) {

    public Step {
      applications = List.copyOf(applications);
    }
  }

  /**
   * One application of a step.
   *
   * @param name the application
   * @param status the status of its latest pass, or null before the first
   * @param health its health after that pass, or null before the first
   * @param revision the revision that pass reconciled, or empty
   * @param current whether that is the revision its source points at now
   * @param message the error or health message of that pass, or empty
   */
  public record ApplicationState(
      String name,
      PassStatus status,
      HealthStatus health,
      String revision,
      boolean current,
      String message) {

    /** Synced at the current revision and healthy. */
    public boolean done() {
      return current
          && (status == PassStatus.SYNCED || status == PassStatus.IN_SYNC)
          && health == HealthStatus.HEALTHY;
    }

    /** Degraded, or its latest pass failed. */
    public boolean stops() {
      return health == HealthStatus.DEGRADED || status == PassStatus.FAILED;
    }
  }

  /** Whether every step is done. */
  public boolean done() {
    return steps.stream().allMatch(step -> step.state() == StepState.DONE);
  }

  /** The step that stopped the rollout, if one did. */
  public Optional<Step> stopped() {
    return steps.stream().filter(step -> step.state() == StepState.STOPPED).findFirst();
  }

  /** Why the rollout stopped ({@code web-b: DEGRADED, ...}), or empty. */
  public String reason() {
    return stopped()
        .map(
            step ->
                step.applications().stream()
                    .filter(ApplicationState::stops)
                    .map(
                        app ->
                            app.name()
                                + ": "
                                + (app.status() == PassStatus.FAILED
                                    ? "FAILED"
                                    : String.valueOf(app.health()))
                                + (app.message().isEmpty() ? "" : " (" + app.message() + ")"))
                    .reduce((a, b) -> a + "; " + b)
                    .orElse(""))
        .orElse("");
  }
}
