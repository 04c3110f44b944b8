package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.model.Wave;
import dev.gitops4j.plan.PlanPolicy;
import dev.gitops4j.plan.Planner;
import dev.gitops4j.plan.PruneRefusedException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.internal.PlanExecutor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile pass of one application: resolve, render, observe, diff, plan, gate by policy,
 * validate, execute, assess health, record. Never throws; every failure becomes a {@link
 * PassResult}.
 */
public final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Clock clock;
  private final ReconcileListener listener;
  private final DurableState state;
  private final PlanExecutor executor;
  private final Function<String, CircuitBreaker> breakers;
  private final PolicyGate gate;
  private final HealthAssessment health;
  private final DependencyGate dependencies;
  private final PassRecorder recorder;
  private final Fence fence;

  /** Renders the redacted human-readable diff of a plan for history and approvals. */
  @FunctionalInterface
  public interface DiffText {
    String of(Application app, DriftReport drift);
  }

  public Reconciler(
      Clock clock,
      ReconcileListener listener,
      DurableState state,
      Fence fence,
      PassRecorder recorder,
      PlanExecutor executor,
      Function<String, CircuitBreaker> breakers,
      DiffText diffText) {
    this.clock = clock;
    this.listener = listener;
    this.state = state;
    this.fence = fence;
    this.recorder = recorder;
    this.executor = executor;
    this.breakers = breakers;
    this.gate = new PolicyGate(listener, diffText);
    this.health = new HealthAssessment(listener);
    this.dependencies = new DependencyGate(state);
  }

  /** Runs one pass. {@code cancelled} turns true when the engine shuts down. */
  public PassResult reconcile(
      AppRuntime rt, Trigger trigger, BooleanSupplier cancelled, DependencyGate.Peers peers) {
    Application app = rt.app();
    MDC.put("application", app.name());
    listener.passStarted(app.name(), trigger);
    Pass pass = new Pass(rt, trigger, clock);
    PassResult result;
    try {
      result = run(pass, cancelled, peers);
    } catch (PassFailure failure) {
      pass.error = failure.getMessage();
      pass.retryable = failure.retryable;
      if (!failure.retryable && !failure.repeated && pass.revision != null) {
        rt.permanentFailure =
            new AppRuntime.PermanentFailure(pass.revision, pass.inputs, failure.getMessage());
      }
      LOG.warn("pass failed: {}", failure.getMessage());
      LOG.debug("cause of the failed pass", failure.getCause());
      result = pass.finish(PassStatus.FAILED);
    } catch (RuntimeException | Error e) {
      pass.error = "unexpected error: " + e;
      pass.retryable = true;
      LOG.error("pass failed unexpectedly", e);
      result = pass.finish(PassStatus.FAILED);
    } finally {
      MDC.remove("revision");
      MDC.remove("application");
    }
    rt.lastResult = result;
    recorder.record(result, pass);
    listener.passFinished(result);
    return result;
  }

  private PassResult run(Pass pass, BooleanSupplier cancelled, DependencyGate.Peers peers)
      throws PassFailure {
    AppRuntime rt = pass.rt;
    Application app = rt.app();
    try {
      fence.check(app.name());
    } catch (FencedException e) {
      // Another replica holds the lease: this one neither reads nor writes, nor records.
      pass.error = e.getMessage();
      return pass.finish(PassStatus.SUSPENDED);
    }
    try {
      pass.facts = state.read(app.name());
    } catch (IOException | RuntimeException e) {
      throw new PassFailure("cannot read the engine state: " + e.getMessage(), true, e);
    }
    if (pass.facts.suspended()) {
      return pass.finish(PassStatus.SUSPENDED);
    }
    pass.revision = resolve(pass);
    MDC.put("revision", pass.revision);
    AppRuntime.Rendered rendered;
    try {
      rendered = render(pass);
    } catch (PassFailure failure) {
      // Rendering may read what a dependency has not produced yet (a Terraform output, say).
      String waitingFor = app.dependsOn().isEmpty() ? null : dependencies.waitingFor(app, peers);
      if (waitingFor == null) {
        throw failure;
      }
      pass.error =
          waitingFor + "; until then the revision does not render: " + failure.getMessage();
      return pass.finish(PassStatus.WAITING);
    }
    pass.commit = rendered.commit();

    Target target = app.target();
    BreakerGuard guard = new BreakerGuard(breakers.apply(target.endpoint()));
    Inventory inventory = loadInventory(rt);
    try (TargetSession session = open(guard, target, app, pass.revision, inventory)) {
      try {
        PassResult result =
            run(pass, session, guard, rendered.desired(), inventory, cancelled, peers);
        if (result.status() == PassStatus.FAILED) {
          toldFailed(pass, session, result.error());
        }
        return result;
      } catch (PassFailure failure) {
        toldFailed(pass, session, failure.getMessage());
        throw failure;
      }
    }
  }

  /** Tells the session that a pass which started to sync failed (e.g. to run SyncFail hooks). */
  private static void toldFailed(Pass pass, TargetSession session, String error) {
    if (!pass.syncing) {
      return;
    }
    try {
      session.passFailed(error);
    } catch (RuntimeException e) {
      LOG.warn("the target failed handling the failed pass", e);
    }
  }

  private TargetSession open(
      BreakerGuard guard, Target target, Application app, String revision, Inventory inventory)
      throws PassFailure {
    PassContext context = new PassContext(app.name(), revision, inventory);
    try {
      TargetSession session =
          guard.callCountingFailures("open", () -> target.sessions().open(context));
      return Objects.requireNonNull(session, "the target opened no session");
    } catch (TargetException e) {
      throw new PassFailure("cannot open the target: " + e.getMessage(), e.isRetryable(), e);
    }
  }

  private PassResult run(
      Pass pass,
      TargetSession session,
      BreakerGuard guard,
      DesiredState rendered,
      Inventory inventory,
      BooleanSupplier cancelled,
      DependencyGate.Peers peers)
      throws PassFailure {
    AppRuntime rt = pass.rt;
    Application app = rt.app();
    Target target = app.target();
    SyncPolicy policy = app.policy();
    DesiredState desired;
    try {
      desired = guard.callCountingFailures("select", () -> session.forPass(rendered));
    } catch (TargetException e) {
      throw new PassFailure("cannot observe the target: " + e.getMessage(), e.isRetryable(), e);
    }
    LiveState live;
    try {
      live = guard.call("observe", () -> session.observe(desired, inventory));
    } catch (TargetException e) {
      throw new PassFailure("cannot observe the target: " + e.getMessage(), e.isRetryable(), e);
    }
    pass.drift = session.diff(desired, live);
    if (!pass.drift.isInSync()) {
      listener.driftFound(app.name(), pass.drift);
    }
    PlanPolicy planPolicy =
        new PlanPolicy(policy.prune(), policy.allowEmptyPrune(), target.waveField());
    try {
      pass.plan = new Planner(target.ordering()).plan(pass.drift, inventory, planPolicy);
    } catch (PruneRefusedException | InvalidDesiredStateException e) {
      throw new PassFailure(e.getMessage(), false, null);
    }
    pass.planId = PlanIds.of(pass.plan);
    rt.permanentFailure = null;
    String closedBy = PolicyGate.closedBy(pass, clock.instant());
    if (closedBy != null && !pass.plan.isEmpty() && policy.mode() != SyncPolicy.Mode.DETECT_ONLY) {
      // Drift is reported; an approval waits for the window, untouched.
      pass.error = closedBy;
      health.assess(pass, desired, live);
      return pass.finish(PassStatus.OUT_OF_SYNC);
    }
    String waitingFor =
        pass.plan.isEmpty() || policy.mode() == SyncPolicy.Mode.DETECT_ONLY
            ? null
            : dependencies.waitingFor(app, peers);
    if (waitingFor != null) {
      pass.error = waitingFor;
      health.assess(pass, desired, live);
      return pass.finish(PassStatus.WAITING);
    }
    String approvedPlanId = takeApproval(pass);

    if (pass.plan.isEmpty()) {
      if (policy.mode() != SyncPolicy.Mode.DETECT_ONLY && !policy.dryRun()) {
        pass.syncing = true;
        WaveHealthGate.Held held = holdBefore(session, guard, null, List.of());
        if (held != null) {
          health.assess(pass, desired, live);
          return heldBack(pass, held);
        }
        rt.waitingSince = null;
      }
      applied(pass);
      trimInventory(rt, inventory, gone(inventory, desired, live, Set.of()), policy);
      health.assess(pass, desired, live);
      return pass.finish(PassStatus.IN_SYNC);
    }
    PassStatus stop = gate.gate(pass, policy, approvedPlanId);
    if (stop != null) {
      health.assess(pass, desired, live);
      return pass.finish(stop);
    }

    ApplyOptions options = new ApplyOptions(policy.dryRun(), policy.force());
    checkFence(pass);
    validate(pass, session, guard, options);
    pass.syncing = !options.dryRun();
    WaveHealthGate healthGate =
        app.waveHealth() == null || options.dryRun()
            ? null
            : new WaveHealthGate(
                app.waveHealth(),
                target.waveField(),
                target.healthChecks(),
                session,
                guard,
                desired,
                live,
                inventory);
    WaveHealthGate.Held[] held = {null};
    if (!options.dryRun()) {
      listener.syncStarting(app.name(), pass.revision, pass.plan);
    }
    PlanExecutor.Outcome outcome =
        executor.run(
            app.name(),
            pass.plan,
            inventory,
            target.inventoryStore(),
            step -> guard.call("apply " + step, () -> session.apply(step, options)),
            options,
            cancelled,
            (wave, resultsSoFar) -> {
              fence.check(app.name());
              if (!options.dryRun()) {
                WaveHealthGate.Held byTarget = holdBefore(session, guard, wave, resultsSoFar);
                if (byTarget != null) {
                  held[0] = byTarget;
                  throw byTarget;
                }
              }
              if (healthGate != null) {
                try {
                  healthGate.check(wave, resultsSoFar);
                } catch (WaveHealthGate.Held e) {
                  held[0] = e;
                  throw e;
                }
              }
            },
            stepResult -> {
              if (stepResult.failed()) {
                listener.changeFailed(app.name(), stepResult);
              } else if (stepResult.outcome() != StepResult.Outcome.SKIPPED) {
                listener.changeApplied(app.name(), stepResult);
              }
            });
    pass.results = outcome.results();
    if (held[0] != null && !outcome.results().stream().anyMatch(StepResult::failed)) {
      return heldBack(pass, held[0]);
    }
    rt.waitingSince = null;
    if (outcome.failed()
        || outcome.results().stream().anyMatch(r -> r.outcome() == StepResult.Outcome.SKIPPED)) {
      pass.error =
          outcome.error().isEmpty()
              ? failureSummary(outcome.results(), cancelled.getAsBoolean())
              : outcome.error();
      pass.retryable = outcome.retryable();
      return pass.finish(PassStatus.FAILED);
    }
    if (policy.dryRun()) {
      return pass.finish(PassStatus.DRY_RUN);
    }
    WaveHealthGate.Held last = holdBefore(session, guard, null, pass.results);
    if (last != null) {
      health.afterApply(pass, session, guard, desired, live);
      return heldBack(pass, last);
    }
    applied(pass);
    // Entries of objects gone before this pass began (a delete whose inventory update a crash
    // interrupted) are dropped now rather than at the next in-sync pass; entries this pass
    // touched are left as the executor stored them.
    Set<ResourceId> touched =
        pass.plan.waves().stream()
            .flatMap(wave -> wave.steps().stream())
            .map(Step::id)
            .collect(Collectors.toSet());
    trimInventory(rt, outcome.inventory(), gone(inventory, desired, live, touched), policy);
    health.afterApply(pass, session, guard, desired, live);
    return pass.finish(PassStatus.SYNCED);
  }

  /**
   * A wave waits for the earlier ones: the pass is {@code PROGRESSING} until the revision has
   * waited longer than the timeout; a degraded earlier resource fails it.
   */
  private PassResult heldBack(Pass pass, WaveHealthGate.Held held) throws PassFailure {
    AppRuntime rt = pass.rt;
    if (held.degraded && !held.retryable) {
      rt.waitingSince = null;
      throw new PassFailure(held.getMessage(), false, null);
    }
    if (held.degraded) {
      pass.error = held.getMessage();
      pass.retryable = true;
      return pass.finish(PassStatus.FAILED);
    }
    Instant now = clock.instant();
    if (rt.waitingSince == null || !rt.waitingSince.revision().equals(pass.revision)) {
      rt.waitingSince = new AppRuntime.Waiting(pass.revision, now);
    }
    Duration waited = Duration.between(rt.waitingSince.since(), now);
    Duration timeout = WaveHealthGate.policyOf(rt.app()).timeout();
    if (waited.compareTo(timeout) > 0) {
      rt.waitingSince = null;
      throw new PassFailure(
          held.getMessage() + " for longer than the wave health timeout " + timeout, false, null);
    }
    pass.error = held.getMessage();
    return pass.finish(PassStatus.PROGRESSING);
  }

  /**
   * What the target holds the pass back for before {@code next} (null: before the pass ends), as a
   * hold; a failure the target reports is a degraded hold.
   */
  private static WaveHealthGate.Held holdBefore(
      TargetSession session, BreakerGuard guard, Wave next, List<StepResult> resultsSoFar) {
    try {
      String waiting =
          guard.callCountingFailures("hold", () -> session.holdBefore(next, resultsSoFar));
      return waiting == null ? null : new WaveHealthGate.Held(waiting, false);
    } catch (TargetException e) {
      return new WaveHealthGate.Held(e.getMessage(), true, e.isRetryable());
    }
  }

  /** Refuses to start writing when this process may no longer write for the application. */
  private void checkFence(Pass pass) throws PassFailure {
    try {
      fence.check(pass.application());
    } catch (FencedException e) {
      throw new PassFailure("not writing: " + e.getMessage(), true, e);
    }
  }

  /**
   * Takes the approval waiting in the engine state, if any: it applies to the plan this pass
   * computed or to none (a stale approval is dropped), never to a later pass.
   */
  private String takeApproval(Pass pass) throws PassFailure {
    String approved = pass.facts.approvedPlanId();
    if (approved == null) {
      return null;
    }
    try {
      state.consumeApproval(pass.application());
    } catch (IOException | RuntimeException e) {
      throw new PassFailure("cannot take the approval: " + e.getMessage(), true, e);
    }
    return approved;
  }

  /**
   * Remembers the revision brought in sync, so that with self-heal off a restart does not undo hand
   * edits by treating the revision as new.
   */
  private void applied(Pass pass) {
    if (pass.revision.equals(pass.facts.lastAppliedRevision())) {
      return;
    }
    try {
      state.applied(pass.application(), pass.revision);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot record the applied revision; a restart may treat it as new", e);
    }
  }

  private String resolve(Pass pass) throws PassFailure {
    String pinned = pass.facts.pinnedRevision();
    if (pinned != null) {
      return pinned;
    }
    Application app = pass.rt.app();
    try {
      return app.source().resolve();
    } catch (SourceException e) {
      throw new PassFailure(
          "cannot resolve " + app.source().describe() + ": " + e.getMessage(), e.isRetryable(), e);
    } catch (RuntimeException e) {
      throw new PassFailure("source failed: " + e, true, e);
    }
  }

  /**
   * What the renderer reads besides the revision; see {@link
   * dev.gitops4j.render.Renderer#externalInputs()}.
   */
  private String externalInputs(AppRuntime rt, String revision) throws PassFailure {
    try {
      return Objects.requireNonNullElse(rt.app().target().renderer().externalInputs(), "");
    } catch (InvalidDesiredStateException e) {
      throw new PassFailure("revision " + revision + " is invalid: " + e.getMessage(), false, null);
    } catch (TargetException e) {
      throw new PassFailure(
          "cannot resolve what revision " + revision + " renders with: " + e.getMessage(),
          e.isRetryable(),
          e);
    } catch (RuntimeException e) {
      throw new PassFailure("renderer failed resolving its inputs: " + e, true, e);
    }
  }

  /** The desired state of the pass's revision, with what the renderer reads besides it. */
  private AppRuntime.Rendered render(Pass pass) throws PassFailure {
    AppRuntime rt = pass.rt;
    pass.inputs = externalInputs(rt, pass.revision);
    AppRuntime.PermanentFailure known = rt.permanentFailure;
    if (known != null
        && known.revision().equals(pass.revision)
        && known.inputs().equals(pass.inputs)
        && !PolicyGate.isExplicit(pass.trigger)) {
      throw new PassFailure(
          known.message() + " (not retried until the revision changes)", false, null, true);
    }
    return render(rt, pass.revision, pass.inputs);
  }

  private AppRuntime.Rendered render(AppRuntime rt, String revision, String inputs)
      throws PassFailure {
    AppRuntime.Rendered cached = rt.rendered;
    if (cached != null && cached.revision().equals(revision) && cached.inputs().equals(inputs)) {
      return cached;
    }
    Snapshot snapshot;
    try {
      snapshot = rt.app().source().read(revision);
    } catch (SourceException e) {
      throw new PassFailure(
          "cannot read revision " + revision + ": " + e.getMessage(), e.isRetryable(), e);
    } catch (RuntimeException e) {
      throw new PassFailure("source failed reading " + revision + ": " + e, true, e);
    }
    DesiredState desired;
    try {
      desired = rt.app().target().renderer().render(snapshot);
    } catch (InvalidDesiredStateException e) {
      throw new PassFailure("revision " + revision + " is invalid: " + e.getMessage(), false, null);
    } catch (TargetException e) {
      throw new PassFailure(
          "cannot render revision " + revision + ": " + e.getMessage(), e.isRetryable(), e);
    } catch (RuntimeException e) {
      throw new PassFailure("renderer failed on revision " + revision + ": " + e, false, e);
    }
    AppRuntime.Rendered rendered =
        new AppRuntime.Rendered(revision, inputs, snapshot.commit(), desired);
    rt.rendered = rendered;
    return rendered;
  }

  private Inventory loadInventory(AppRuntime rt) throws PassFailure {
    try {
      return rt.app().target().inventoryStore().load(rt.app().name());
    } catch (IOException | RuntimeException e) {
      throw new PassFailure("cannot load the inventory: " + e.getMessage(), true, e);
    }
  }

  /**
   * Entries of {@code inventory} whose resources are no longer declared and were absent when the
   * pass observed the target, leaving out those in {@code touched}.
   */
  private static List<ResourceId> gone(
      Inventory inventory, DesiredState desired, LiveState live, Set<ResourceId> touched) {
    return inventory.resources().stream()
        .filter(id -> !desired.resources().containsKey(id) && live.get(id).isEmpty())
        .filter(id -> !touched.contains(id))
        .toList();
  }

  /** Drops {@code gone} from the stored inventory {@code inventory}. */
  private void trimInventory(
      AppRuntime rt, Inventory inventory, List<ResourceId> gone, SyncPolicy policy) {
    if (gone.isEmpty() || policy.mode() == SyncPolicy.Mode.DETECT_ONLY || policy.dryRun()) {
      return;
    }
    try {
      rt.app().target().inventoryStore().save(rt.app().name(), inventory.minus(gone));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot trim the inventory; will retry next pass", e);
    }
  }

  /**
   * Lets the target check the whole plan before the first write (invariant 2): a rejection makes
   * the revision invalid, like a decode error.
   */
  private void validate(Pass pass, TargetSession session, BreakerGuard guard, ApplyOptions options)
      throws PassFailure {
    InvalidDesiredStateException rejected;
    try {
      // A rejection is an answer, not a failure of the target: it must not trip the breaker.
      rejected =
          guard.callCountingFailures(
              "validate",
              () -> {
                try {
                  session.validate(pass.plan, options);
                  return null;
                } catch (InvalidDesiredStateException e) {
                  return e;
                }
              });
    } catch (TargetException e) {
      throw new PassFailure("cannot validate the plan: " + e.getMessage(), e.isRetryable(), e);
    }
    if (rejected != null) {
      throw new PassFailure(
          "revision " + pass.revision + " is invalid: " + rejected.getMessage(), false, null);
    }
  }

  private static String failureSummary(List<StepResult> results, boolean cancelled) {
    String failures =
        results.stream()
            .filter(StepResult::failed)
            .map(r -> r.step() + ": " + r.message())
            .collect(Collectors.joining("; "));
    if (failures.isEmpty()) {
      return cancelled ? "pass cancelled; remaining steps skipped" : "steps skipped";
    }
    return failures;
  }
}
