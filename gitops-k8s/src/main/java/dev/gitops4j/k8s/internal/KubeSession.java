package dev.gitops4j.k8s.internal;

import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.sync.ApplyOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pass of one application on one cluster. Observing records how each declared object compared
 * (fast path or dry-run prediction); the diff reports those verdicts; validation dry-runs what the
 * observation did not, before the first write; the writes go through {@link KubeApplier}.
 */
public final class KubeSession implements TargetSession {

  private final KubeLiveState liveState;
  private final KubeDiffer differ;
  private final KubeApplier applier;
  private final PlanValidation validation;
  private final Map<ResourceId, Verdict> verdicts = new ConcurrentHashMap<>();
  private final ApplicationState app;
  private final long versionChangesAtOpen;
  private final Set<ResourceId> observed = ConcurrentHashMap.newKeySet();
  private final HookPhases hooks;

  /**
   * Opens a session of {@code app}'s target for the pass {@code context} describes.
   *
   * @throws TargetException when the pass belongs to another application than the target's: its
   *     ownership labels would name the wrong application
   */
  public KubeSession(ApplicationState app, PassContext context) throws TargetException {
    if (!app.application.equals(context.application())) {
      throw new TargetException(
          "the target of application "
              + app.application
              + " cannot serve application "
              + context.application()
              + " (use KubernetesTarget.target(\""
              + context.application()
              + "\"))",
          false);
    }
    this.app = app;
    app.cluster.memory.loadOnce(app.application);
    this.versionChangesAtOpen = app.cluster.memory.changes();
    this.liveState = new KubeLiveState(app);
    this.differ = new KubeDiffer(app);
    this.applier = new KubeApplier(app);
    this.validation = new PlanValidation(app, verdicts);
    this.hooks = new HookPhases(app, applier);
  }

  @Override
  public DesiredState forPass(DesiredState rendered) throws TargetException {
    return hooks.forPass(rendered);
  }

  @Override
  public String holdBefore(Wave next, List<StepResult> resultsSoFar) throws TargetException {
    return hooks.holdBefore(next, resultsSoFar);
  }

  @Override
  public void passFailed(String error) {
    hooks.passFailed(error);
  }

  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    // The first observation of a pass sees the whole revision; later ones (health after a write,
    // a wave's health) see parts of it and must not shrink what is remembered of the rest.
    boolean wholeRevision = observed.isEmpty();
    observed.addAll(desired.resources().keySet());
    observed.addAll(inventory.resources());
    return liveState.observe(desired, inventory, verdicts, wholeRevision);
  }

  @Override
  public DriftReport diff(DesiredState desired, LiveState live) {
    return differ.diff(desired, live, verdicts);
  }

  @Override
  public void validate(Plan plan, ApplyOptions options)
      throws InvalidDesiredStateException, TargetException {
    List<Step> syncFail = hooks.syncFailSteps();
    if (syncFail.isEmpty()) {
      validation.beforeFirstWrite(plan);
      return;
    }
    // SyncFail hooks are written only when the pass fails, but checked with the rest up front.
    List<Wave> waves = new ArrayList<>(plan.waves());
    waves.add(new Wave(waves.size(), syncFail));
    validation.beforeFirstWrite(new Plan(plan.revision(), waves, plan.kept()));
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    validation.beforeWaveOf(step);
    return applier.apply(step, options);
  }

  /** Stores what this pass learned about applied versions, when it learned anything. */
  @Override
  public void close() {
    hooks.close();
    app.cluster.memory.saveIfChanged(app.application, observed, versionChangesAtOpen);
  }
}
