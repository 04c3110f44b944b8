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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a plan wave by wave, keeping the inventory crash-safe (invariant 3): identities are added to
 * the inventory before the wave that creates them, and removed only after their delete succeeded. A
 * failed step stops the plan after its wave; later steps are skipped.
 */
public final class PlanExecutor {

  /** How long steps may keep running after the pass was interrupted before they are abandoned. */
  private static final Duration ABANDON_GRACE = Duration.ofSeconds(10);

  /** Performs one step, e.g. through a circuit breaker. */
  @FunctionalInterface
  public interface StepRunner {
    String run(Step step) throws TargetException;
  }

  /** Decides whether a wave may start; throws to stop the run before it. */
  @FunctionalInterface
  public interface WaveGate {
    /**
     * @param wave the wave about to start
     * @param resultsSoFar results of the earlier waves of this run
     * @throws RuntimeException to stop: the wave and the later ones are skipped
     */
    void check(Wave wave, List<StepResult> resultsSoFar);
  }

  /**
   * Result of running a plan.
   *
   * @param results one per step, in plan order
   * @param inventory the inventory as last stored
   * @param retryable false when some step failed for a reason a retry cannot fix
   * @param error why the run stopped early other than a failed step, or empty
   */
  public record Outcome(
      List<StepResult> results, Inventory inventory, boolean retryable, String error) {
    public boolean failed() {
      return !error.isEmpty() || results.stream().anyMatch(StepResult::failed);
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
   * Runs {@code plan}. Never throws: a failure to store the inventory stops the run before the next
   * wave and is reported in {@link Outcome#error()}, with the results so far.
   *
   * @param cancelled checked between steps; when true the remaining steps are skipped
   * @param beforeWave runs before each wave; when it throws, that wave and the later ones are
   *     skipped and its message is the outcome's error (a lost lease, say)
   * @param onResult called for every step result as it happens
   */
  public Outcome run(
      String application,
      Plan plan,
      Inventory inventory,
      InventoryStore store,
      StepRunner runner,
      ApplyOptions options,
      BooleanSupplier cancelled,
      WaveGate beforeWave,
      Consumer<StepResult> onResult) {
    List<StepResult> results = new ArrayList<>();
    Run run = new Run(runner, options.dryRun(), cancelled, onResult);
    String error = "";
    for (Wave wave : plan.waves()) {
      boolean stop = !error.isEmpty() || results.stream().anyMatch(StepResult::failed);
      if (stop || cancelled.getAsBoolean()) {
        wave.steps().forEach(step -> results.add(skipped(step, onResult)));
        continue;
      }
      try {
        beforeWave.check(wave, List.copyOf(results));
      } catch (RuntimeException e) {
        error = e.getMessage();
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
          try {
            store.save(application, before.plus(adding));
            inventory = before.plus(adding);
          } catch (IOException | RuntimeException e) {
            error =
                "cannot store the inventory before "
                    + adding.size()
                    + " creates: "
                    + e.getMessage();
            wave.steps().forEach(step -> results.add(skipped(step, onResult)));
            continue;
          }
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
          try {
            store.save(application, inventory.minus(deleted));
            inventory = inventory.minus(deleted);
          } catch (IOException | RuntimeException e) {
            // The deleted resources stay listed; a later pass sees them gone and trims them.
            error =
                "cannot store the inventory after "
                    + deleted.size()
                    + " deletes: "
                    + e.getMessage();
          }
        }
      }
    }
    return new Outcome(results, inventory, !run.permanentFailure, error);
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
    if (parallelism == 1 || wave.steps().size() == 1) {
      List<StepResult> results = new ArrayList<>();
      for (Step step : wave.steps()) {
        results.add(
            run.cancelled.getAsBoolean() ? skipped(step, run.onResult) : runStep(step, run));
      }
      return results;
    }
    Semaphore permits = new Semaphore(parallelism);
    Set<Thread> working = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<StepResult>> futures = new ArrayList<>();
    for (Step step : wave.steps()) {
      boolean acquired = false;
      if (!run.cancelled.getAsBoolean()) {
        try {
          permits.acquire();
          acquired = true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (!acquired || run.cancelled.getAsBoolean()) {
        if (acquired) {
          permits.release();
        }
        futures.add(CompletableFuture.completedFuture(skipped(step, run.onResult)));
        continue;
      }
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                working.add(Thread.currentThread());
                try {
                  return runStep(step, run);
                } finally {
                  working.remove(Thread.currentThread());
                  permits.release();
                }
              },
              stepExecutor));
    }
    List<StepResult> results = new ArrayList<>();
    Deadline deadline = new Deadline();
    for (int i = 0; i < futures.size(); i++) {
      results.add(await(futures.get(i), wave.steps().get(i), working, deadline));
    }
    if (deadline.interrupted) {
      Thread.currentThread().interrupt();
    }
    return results;
  }

  /** Set once the pass thread is interrupted: from then on steps get a bounded grace. */
  private static final class Deadline {
    boolean interrupted;
    long abandonAt;
  }

  private StepResult await(
      CompletableFuture<StepResult> future, Step step, Set<Thread> working, Deadline deadline) {
    while (true) {
      try {
        if (!deadline.interrupted) {
          return future.get();
        }
        long left = deadline.abandonAt - System.nanoTime();
        return future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        // The pass was interrupted (timeout or shutdown): pass it on to the running steps, then
        // give them a bounded grace so the results stay truthful.
        deadline.interrupted = true;
        deadline.abandonAt = System.nanoTime() + ABANDON_GRACE.toNanos();
        working.forEach(Thread::interrupt);
      } catch (TimeoutException e) {
        future.cancel(false);
        return new StepResult(
            step,
            StepResult.Outcome.FAILED,
            "abandoned: still running "
                + ABANDON_GRACE.toSeconds()
                + " s after the pass was interrupted",
            Duration.ZERO);
      } catch (ExecutionException e) {
        return new StepResult(
            step, StepResult.Outcome.FAILED, String.valueOf(e.getCause()), Duration.ZERO);
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
