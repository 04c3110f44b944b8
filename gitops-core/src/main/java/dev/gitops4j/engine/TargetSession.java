package dev.gitops4j.engine;

import dev.gitops4j.diff.Differ;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import java.util.List;
import java.util.Objects;

/**
 * A target's part in one pass of one application. The engine opens a session after rendering, calls
 * {@link #observe}, {@link #diff}, {@link #validate} and then {@link #apply} for each step (in that
 * order, from one thread except that steps of one wave may run concurrently), and closes it when
 * the pass ends, whatever its outcome. A session may therefore keep what it learned while observing
 * (live versions, a tool's plan) for the diff and the writes of the same pass, and nothing beyond
 * it.
 */
public interface TargetSession extends LiveStateProvider, Differ, Applier, AutoCloseable {

  /**
   * Checks, before the first write of the pass, every step of {@code plan} as far as the target can
   * without writing (e.g. a server-side dry run). Called only when the plan will be executed.
   *
   * @throws InvalidDesiredStateException listing each rejected resource with its file and line; the
   *     revision is treated like one that failed to decode: nothing of it is written
   * @throws TargetException when the check itself could not be made
   */
  default void validate(Plan plan, ApplyOptions options)
      throws InvalidDesiredStateException, TargetException {}

  /**
   * The part of the rendered state this pass reconciles; by default all of it. Called once, before
   * {@link #observe}. A target may set resources aside for the pass, e.g. run-once hooks that
   * already ran for the revision: what it leaves out is neither observed, compared, planned nor
   * assessed in this pass.
   *
   * @throws TargetException when the target cannot tell (the pass fails, as when observing fails)
   */
  default DesiredState forPass(DesiredState rendered) throws TargetException {
    return rendered;
  }

  /**
   * Whether the pass may go on, beyond the application's wave health: asked before each wave of an
   * executed plan and, with {@code next} null, once more before the pass reports the revision in
   * sync or synced (also when there was nothing to write). Not asked on dry runs.
   *
   * @param next the wave about to start, or null when every wave is written
   * @param resultsSoFar results of the earlier waves of this pass
   * @return null to go on, or what the pass waits for: it stops there with status {@code
   *     PROGRESSING} and the next pass follows after the wave health poll interval (5 s without
   *     one), until the revision has waited longer than the wave health timeout (10 min without
   *     one)
   * @throws TargetException to fail the pass there, e.g. a hook Job failed; not retried until the
   *     revision changes when not retryable
   */
  default String holdBefore(Wave next, List<StepResult> resultsSoFar) throws TargetException {
    return null;
  }

  /**
   * Told when a pass that started to sync (its plan passed validation, or the session was asked to
   * {@link #holdBefore hold}) ends {@code FAILED}, before {@link #close}; e.g. to run SyncFail
   * hooks. The pass stays failed whatever happens here; must not throw.
   *
   * @param error why the pass failed
   */
  default void passFailed(String error) {}

  /** Ends the session; never throws. */
  @Override
  default void close() {}

  /** Opens sessions; supplied by target modules. */
  @FunctionalInterface
  interface Factory {
    TargetSession open(PassContext context) throws TargetException;
  }

  /**
   * Sessions over parts that keep no state between calls: each call goes straight to the part. The
   * usual choice for a custom target whose reads and writes stand alone.
   */
  static Factory of(LiveStateProvider liveState, Differ differ, Applier applier) {
    Objects.requireNonNull(liveState, "liveState");
    Objects.requireNonNull(differ, "differ");
    Objects.requireNonNull(applier, "applier");
    TargetSession session =
        new TargetSession() {
          @Override
          public LiveState observe(DesiredState desired, Inventory inventory)
              throws TargetException {
            return liveState.observe(desired, inventory);
          }

          @Override
          public DriftReport diff(DesiredState desired, LiveState live) {
            return differ.diff(desired, live);
          }

          @Override
          public String apply(Step step, ApplyOptions options) throws TargetException {
            return applier.apply(step, options);
          }
        };
    return context -> session;
  }
}
