package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.CommitInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Mutable facts gathered during one pass, turned into a {@link PassResult} at the end. */
final class Pass {
  final AppRuntime rt;
  final Trigger trigger;
  final Instant started;
  private final Clock clock;

  DurableState.Facts facts;
  String revision;

  /** What the renderer read besides the revision ({@code Renderer.externalInputs}), or empty. */
  String inputs = "";

  CommitInfo commit;
  DriftReport drift;
  Plan plan;
  String planId = "";
  List<StepResult> results = List.of();
  Health health;
  String error = "";
  boolean retryable;

  /**
   * Whether the pass got past validation into syncing: a failure from then on is told the target.
   */
  boolean syncing;

  Pass(AppRuntime rt, Trigger trigger, Clock clock) {
    this.rt = rt;
    this.trigger = trigger;
    this.clock = clock;
    this.started = clock.instant();
  }

  String application() {
    return rt.app().name();
  }

  PassResult finish(PassStatus status) {
    Health current =
        health != null
            ? health
            : rt.health != null ? rt.health : Health.of(HealthStatus.UNKNOWN, "");
    return new PassResult(
        application(),
        trigger,
        status,
        revision,
        commit,
        drift,
        plan,
        planId,
        results,
        current,
        error,
        retryable,
        started,
        Duration.between(started, clock.instant()));
  }
}
