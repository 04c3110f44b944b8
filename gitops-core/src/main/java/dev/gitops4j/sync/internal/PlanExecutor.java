package dev.gitops4j.sync.internal;

import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a plan wave by wave, keeping the inventory crash-safe (invariant 3): identities are added to
 * the inventory before the wave that creates them, and removed only after their delete succeeded. A
 * failed step stops the plan after its wave; later steps are skipped.
 */
public final class PlanExecutor {

  /** Performs one step, e.g. through a circuit breaker. */
  @FunctionalInterface
  public interface StepRunner {
    String run(Step step) throws TargetException;
  }

  /**
   * Result of running a plan.
   *
   * @param results one per step, in plan order
   * @param inventory the inventory as stored after the run
   * @param retryable false when some step failed for a reason a retry cannot fix
   */
  public record Outcome(List<StepResult> results, Inventory inventory, boolean retryable) {
    public boolean failed() {
      return results.stream().anyMatch(StepResult::failed);
    }
  }

  private final Clock clock;
  private final Executor stepExecutor;
  private final int parallelism;

  public PlanExecutor(Clock clock, Executor stepExecutor, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.clock = clock;
    this.stepExecutor = stepExecutor;
    this.parallelism = parallelism;
  }

  /**
   * Runs {@code plan}.
   *
   * @param cancelled checked between steps; when true the remaining steps are skipped
   * @param onResult called for every step result as it happens
   * @throws IOException when the inventory cannot be stored; no step of that wave ran
   */
  public Outcome run(
      String application,
      Plan plan,
      Inventory inventory,
      InventoryStore store,
      StepRunner runner,
      ApplyOptions options,
      BooleanSupplier cancelled,
      Consumer<StepResult> onResult)
      throws IOException {
    List<StepResult> results = new ArrayList<>();
    Run run = new Run(runner, options.dryRun(), cancelled, onResult);
    boolean stop = false;
    for (Wave wave : plan.waves()) {
      if (stop || cancelled.getAsBoolean()) {
        wave.steps().forEach(step -> results.add(skipped(step, onResult)));
        continue;
      }
      if (!options.dryRun()) {
        Inventory before = inventory;
        List<ResourceId> adding =
            wave.steps().stream()
                .filter(step -> step.action() != Step.Action.DELETE)
                .map(Step::id)
                .filter(id -> !before.contains(id))
                .toList();
        if (!adding.isEmpty()) {
          inventory = inventory.plus(adding);
          store.save(application, inventory);
        }
      }
      List<StepResult> waveResults = runWave(wave, run);
      results.addAll(waveResults);
      if (!options.dryRun()) {
        List<ResourceId> deleted =
            waveResults.stream()
                .filter(r -> r.step().action() == Step.Action.DELETE)
                .filter(r -> r.outcome() == StepResult.Outcome.APPLIED)
                .map(r -> r.step().id())
                .toList();
        if (!deleted.isEmpty()) {
          inventory = inventory.minus(deleted);
          store.save(application, inventory);
        }
      }
      stop = waveResults.stream().anyMatch(StepResult::failed);
    }
    return new Outcome(results, inventory, !run.permanentFailure);
  }

  /** State of one plan run shared by its steps. */
  private static final class Run {
    final StepRunner runner;
    final boolean dryRun;
    final BooleanSupplier cancelled;
    final Consumer<StepResult> onResult;
    volatile boolean permanentFailure;

    Run(
        StepRunner runner,
        boolean dryRun,
        BooleanSupplier cancelled,
        Consumer<StepResult> onResult) {
      this.runner = runner;
      this.dryRun = dryRun;
      this.cancelled = cancelled;
      this.onResult = onResult;
    }
  }

  private List<StepResult> runWave(Wave wave, Run run) {
    BooleanSupplier cancelled = run.cancelled;
    Consumer<StepResult> onResult = run.onResult;
    if (parallelism == 1 || wave.steps().size() == 1) {
      List<StepResult> results = new ArrayList<>();
      for (Step step : wave.steps()) {
        results.add(cancelled.getAsBoolean() ? skipped(step, onResult) : runStep(step, run));
      }
      return results;
    }
    Semaphore permits = new Semaphore(parallelism);
    List<CompletableFuture<StepResult>> futures = new ArrayList<>();
    for (Step step : wave.steps()) {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.add(CompletableFuture.completedFuture(skipped(step, onResult)));
        continue;
      }
      if (cancelled.getAsBoolean()) {
        permits.release();
        futures.add(CompletableFuture.completedFuture(skipped(step, onResult)));
        continue;
      }
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return runStep(step, run);
                } finally {
                  permits.release();
                }
              },
              stepExecutor));
    }
    List<StepResult> results = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      results.add(await(futures.get(i), wave.steps().get(i)));
    }
    return results;
  }

  private StepResult await(CompletableFuture<StepResult> future, Step step) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          // The step is already running; wait for it so the inventory stays truthful.
          interrupted = true;
        } catch (ExecutionException e) {
          return new StepResult(
              step, StepResult.Outcome.FAILED, String.valueOf(e.getCause()), Duration.ZERO);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private StepResult runStep(Step step, Run run) {
    Instant start = clock.instant();
    StepResult result;
    try {
      String remark = run.runner.run(step);
      StepResult.Outcome outcome =
          run.dryRun ? StepResult.Outcome.DRY_RUN : StepResult.Outcome.APPLIED;
      result = new StepResult(step, outcome, remark, elapsed(start));
    } catch (TargetException e) {
      run.permanentFailure |= !e.isRetryable();
      result = new StepResult(step, StepResult.Outcome.FAILED, e.getMessage(), elapsed(start));
    } catch (RuntimeException e) {
      run.permanentFailure = true;
      result = new StepResult(step, StepResult.Outcome.FAILED, e.toString(), elapsed(start));
    }
    run.onResult.accept(result);
    return result;
  }

  private static StepResult skipped(Step step, Consumer<StepResult> onResult) {
    StepResult result =
        new StepResult(step, StepResult.Outcome.SKIPPED, "not attempted", Duration.ZERO);
    onResult.accept(result);
    return result;
  }

  private Duration elapsed(Instant start) {
    return Duration.between(start, clock.instant());
  }
}
