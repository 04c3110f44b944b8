package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.plan.PlanPolicy;
import dev.gitops4j.plan.Planner;
import dev.gitops4j.plan.PruneRefusedException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.CommitInfo;
import dev.gitops4j.source.Person;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.internal.PlanExecutor;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile pass of one application: resolve, render, observe, diff, plan, gate by policy,
 * execute, assess health, record. Never throws; every failure becomes a {@link PassResult}.
 */
public final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Clock clock;
  private final ReconcileListener listener;
  private final HistoryStore history;
  private final PlanExecutor executor;
  private final Function<String, CircuitBreaker> breakers;
  private final DiffText diffText;

  /** Renders the redacted human-readable diff of a plan for history and approvals. */
  @FunctionalInterface
  public interface DiffText {
    String of(Application app, DriftReport drift);
  }

  public Reconciler(
      Clock clock,
      ReconcileListener listener,
      HistoryStore history,
      PlanExecutor executor,
      Function<String, CircuitBreaker> breakers,
      DiffText diffText) {
    this.clock = clock;
    this.listener = listener;
    this.history = history;
    this.executor = executor;
    this.breakers = breakers;
    this.diffText = diffText;
  }

  /** A failure that ends the pass. */
  private static final class PassFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean retryable;
    final boolean repeated;

    PassFailure(String message, boolean retryable, Throwable cause) {
      this(message, retryable, cause, false);
    }

    PassFailure(String message, boolean retryable, Throwable cause, boolean repeated) {
      super(message, cause);
      this.retryable = retryable;
      this.repeated = repeated;
    }
  }

  /** Runs one pass. {@code cancelled} turns true when the engine shuts down. */
  public PassResult reconcile(AppRuntime rt, Trigger trigger, BooleanSupplier cancelled) {
    Application app = rt.app;
    Instant started = clock.instant();
    MDC.put("application", app.name());
    listener.passStarted(app.name(), trigger);
    Pass pass = new Pass(rt, trigger, started);
    // An approval is consumed by the pass it triggered, whatever that pass's outcome.
    pass.approvedPlanId = trigger == Trigger.APPROVAL ? rt.takeApproval() : null;
    PassResult result;
    try {
      result = rt.suspended ? pass.finish(PassStatus.SUSPENDED) : run(pass, cancelled);
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
    record(rt, result, pass);
    listener.passFinished(result);
    return result;
  }

  private PassResult run(Pass pass, BooleanSupplier cancelled) throws PassFailure {
    AppRuntime rt = pass.rt;
    Application app = rt.app;
    Target target = app.target();

    pass.revision = resolve(rt);
    MDC.put("revision", pass.revision);
    pass.inputs = externalInputs(rt, pass.revision);
    AppRuntime.PermanentFailure known = rt.permanentFailure;
    if (known != null
        && known.revision().equals(pass.revision)
        && known.inputs().equals(pass.inputs)
        && !isExplicit(pass.trigger)) {
      throw new PassFailure(
          known.message() + " (not retried until the revision changes)", false, null, true);
    }
    AppRuntime.Rendered rendered = render(rt, pass.revision, pass.inputs);
    pass.commit = rendered.commit();
    DesiredState desired = rendered.desired();

    CircuitBreaker breaker = breakers.apply(target.endpoint());
    Inventory inventory = loadInventory(rt);
    try (TargetSession session = open(breaker, target, app, pass.revision, inventory)) {
      return run(pass, session, breaker, desired, inventory, cancelled);
    }
  }

  private TargetSession open(
      CircuitBreaker breaker, Target target, Application app, String revision, Inventory inventory)
      throws PassFailure {
    PassContext context = new PassContext(app.name(), revision, inventory);
    try {
      TargetSession session =
          guardedFailures(breaker, () -> target.sessions().open(context), "open");
      return Objects.requireNonNull(session, "the target opened no session");
    } catch (TargetException e) {
      throw new PassFailure("cannot open the target: " + e.getMessage(), e.isRetryable(), e);
    }
  }

  private PassResult run(
      Pass pass,
      TargetSession session,
      CircuitBreaker breaker,
      DesiredState desired,
      Inventory inventory,
      BooleanSupplier cancelled)
      throws PassFailure {
    AppRuntime rt = pass.rt;
    Application app = rt.app;
    Target target = app.target();
    SyncPolicy policy = app.policy();
    LiveState live;
    try {
      live = guarded(breaker, () -> session.observe(desired, inventory), "observe");
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
    } catch (PruneRefusedException e) {
      throw new PassFailure(e.getMessage(), false, null);
    } catch (InvalidDesiredStateException e) {
      throw new PassFailure(e.getMessage(), false, null);
    }
    pass.planId = PlanIds.of(pass.plan);
    rt.permanentFailure = null;

    if (pass.plan.isEmpty()) {
      rt.lastAppliedRevision = pass.revision;
      trimInventory(rt, inventory, desired, live, policy);
      assessHealth(pass, desired, live);
      return pass.finish(PassStatus.IN_SYNC);
    }
    PassStatus gate = gate(pass, policy);
    if (gate != null) {
      assessHealth(pass, desired, live);
      return pass.finish(gate);
    }

    ApplyOptions options = new ApplyOptions(policy.dryRun(), policy.force());
    validate(pass, session, breaker, options);
    PlanExecutor.Outcome outcome =
        executor.run(
            app.name(),
            pass.plan,
            inventory,
            target.inventoryStore(),
            step -> guarded(breaker, () -> session.apply(step, options), "apply " + step),
            options,
            cancelled,
            stepResult -> {
              if (stepResult.failed()) {
                listener.changeFailed(app.name(), stepResult);
              } else if (stepResult.outcome() != StepResult.Outcome.SKIPPED) {
                listener.changeApplied(app.name(), stepResult);
              }
            });
    pass.results = outcome.results();
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
    rt.lastAppliedRevision = pass.revision;
    assessHealthAfterApply(pass, session, breaker, desired, outcome.inventory());
    return pass.finish(PassStatus.SYNCED);
  }

  /**
   * The revision last brought in sync. After a restart it comes from the history, so that with
   * self-heal off a restart does not undo hand edits by treating the revision as new.
   */
  private String lastAppliedRevision(AppRuntime rt) {
    if (rt.lastAppliedRevision == null && history != null) {
      try {
        history.list(rt.app.name(), 50).stream()
            .filter(r -> r.status().equals("SYNCED") || r.status().equals("IN_SYNC"))
            .findFirst()
            .ifPresent(r -> rt.lastAppliedRevision = r.revision());
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot read the history to find the last applied revision", e);
      }
    }
    return rt.lastAppliedRevision;
  }

  /** Explicit requests run even when the revision is known to fail permanently. */
  private static boolean isExplicit(Trigger trigger) {
    return trigger == Trigger.MANUAL || trigger == Trigger.APPROVAL || trigger == Trigger.ROLLBACK;
  }

  /** Returns the status that stops the pass before any write, or null to apply. */
  private PassStatus gate(Pass pass, SyncPolicy policy) {
    AppRuntime rt = pass.rt;
    switch (policy.mode()) {
      case DETECT_ONLY:
        return PassStatus.OUT_OF_SYNC;
      case AUTOMATIC:
        boolean newRevision = !pass.revision.equals(lastAppliedRevision(rt));
        if (!newRevision && !policy.selfHeal() && !isExplicit(pass.trigger)) {
          return PassStatus.OUT_OF_SYNC;
        }
        return null;
      case MANUAL_APPROVAL:
        String approved = pass.approvedPlanId;
        if (approved == null) {
          announce(pass);
          return PassStatus.AWAITING_APPROVAL;
        }
        if (!approved.equals(pass.planId)) {
          pass.error =
              "approved plan "
                  + shortId(approved)
                  + " is stale: the revision or live state moved; plan "
                  + shortId(pass.planId)
                  + " awaits approval";
          announce(pass);
          return PassStatus.AWAITING_APPROVAL;
        }
        return null;
      default:
        throw new IllegalStateException("unknown mode " + policy.mode());
    }
  }

  private void announce(Pass pass) {
    if (pass.planId.equals(pass.rt.announcedPlanId)) {
      return;
    }
    pass.rt.announcedPlanId = pass.planId;
    listener.approvalNeeded(
        new ApprovalRequest(
            pass.rt.app.name(),
            pass.planId,
            pass.revision,
            pass.plan,
            diffText.of(pass.rt.app, pass.drift)));
  }

  private String resolve(AppRuntime rt) throws PassFailure {
    String pinned;
    try {
      pinned = rt.pinned(history);
    } catch (IllegalStateException e) {
      throw new PassFailure(e.getMessage(), true, e);
    }
    if (pinned != null) {
      return pinned;
    }
    try {
      return rt.app.source().resolve();
    } catch (SourceException e) {
      throw new PassFailure(
          "cannot resolve " + rt.app.source().describe() + ": " + e.getMessage(),
          e.isRetryable(),
          e);
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
      return Objects.requireNonNullElse(rt.app.target().renderer().externalInputs(), "");
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

  private AppRuntime.Rendered render(AppRuntime rt, String revision, String inputs)
      throws PassFailure {
    AppRuntime.Rendered cached = rt.rendered;
    if (cached != null && cached.revision().equals(revision) && cached.inputs().equals(inputs)) {
      return cached;
    }
    Snapshot snapshot;
    try {
      snapshot = rt.app.source().read(revision);
    } catch (SourceException e) {
      throw new PassFailure(
          "cannot read revision " + revision + ": " + e.getMessage(), e.isRetryable(), e);
    } catch (RuntimeException e) {
      throw new PassFailure("source failed reading " + revision + ": " + e, true, e);
    }
    DesiredState desired;
    try {
      desired = rt.app.target().renderer().render(snapshot);
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
      return rt.app.target().inventoryStore().load(rt.app.name());
    } catch (IOException | RuntimeException e) {
      throw new PassFailure("cannot load the inventory: " + e.getMessage(), true, e);
    }
  }

  /** Drops inventory entries whose resources are gone and no longer declared. */
  private void trimInventory(
      AppRuntime rt, Inventory inventory, DesiredState desired, LiveState live, SyncPolicy policy) {
    if (policy.mode() == SyncPolicy.Mode.DETECT_ONLY || policy.dryRun()) {
      return;
    }
    List<ResourceId> gone =
        inventory.resources().stream()
            .filter(id -> !desired.resources().containsKey(id) && live.get(id).isEmpty())
            .toList();
    if (gone.isEmpty()) {
      return;
    }
    try {
      rt.app.target().inventoryStore().save(rt.app.name(), inventory.minus(gone));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot trim the inventory; will retry next pass", e);
    }
  }

  private interface TargetCall<T> {
    T call() throws TargetException;
  }

  private <T> T guarded(CircuitBreaker breaker, TargetCall<T> call, String what)
      throws TargetException {
    try {
      return breaker.executeCheckedSupplier(call::call);
    } catch (CallNotPermittedException e) {
      throw circuitOpen(breaker, what, e);
    } catch (TargetException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new TargetException(what + " failed: " + e, true, e);
    }
  }

  /**
   * Like {@link #guarded}, but only a failure is recorded: opening a session and validating are
   * often no calls at all, and counting them as successes would hide a failing endpoint.
   */
  private <T> T guardedFailures(CircuitBreaker breaker, TargetCall<T> call, String what)
      throws TargetException {
    if (!breaker.tryAcquirePermission()) {
      throw circuitOpen(breaker, what, null);
    }
    long started = System.nanoTime();
    try {
      T result = call.call();
      breaker.releasePermission();
      return result;
    } catch (TargetException | RuntimeException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  private static TargetException circuitOpen(CircuitBreaker breaker, String what, Exception cause) {
    return new TargetException(
        "circuit breaker open for " + breaker.getName() + "; " + what + " not attempted",
        true,
        cause);
  }

  /**
   * Lets the target check the whole plan before the first write (invariant 2): a rejection makes
   * the revision invalid, like a decode error.
   */
  private void validate(
      Pass pass, TargetSession session, CircuitBreaker breaker, ApplyOptions options)
      throws PassFailure {
    InvalidDesiredStateException rejected;
    try {
      // A rejection is an answer, not a failure of the target: it must not trip the breaker.
      rejected =
          guardedFailures(
              breaker,
              () -> {
                try {
                  session.validate(pass.plan, options);
                  return null;
                } catch (InvalidDesiredStateException e) {
                  return e;
                }
              },
              "validate");
    } catch (TargetException e) {
      throw new PassFailure("cannot validate the plan: " + e.getMessage(), e.isRetryable(), e);
    }
    if (rejected != null) {
      throw new PassFailure(
          "revision " + pass.revision + " is invalid: " + rejected.getMessage(), false, null);
    }
  }

  private void assessHealthAfterApply(
      Pass pass,
      TargetSession session,
      CircuitBreaker breaker,
      DesiredState desired,
      Inventory inventory) {
    if (pass.rt.app.target().healthChecks().isEmpty()) {
      pass.health = Health.healthy();
      updateHealth(pass);
      return;
    }
    try {
      LiveState live = guarded(breaker, () -> session.observe(desired, inventory), "observe");
      assessHealth(pass, desired, live);
    } catch (TargetException e) {
      pass.health =
          Health.of(HealthStatus.UNKNOWN, "cannot observe after apply: " + e.getMessage());
      updateHealth(pass);
    }
  }

  private void assessHealth(Pass pass, DesiredState desired, LiveState live) {
    HealthStatus worst = HealthStatus.HEALTHY;
    String reason = "";
    for (DesiredResource resource : desired.resources().values()) {
      Optional<LiveResource> observed = live.get(resource.id());
      Health health =
          observed.isEmpty()
              ? Health.of(HealthStatus.MISSING, "not found in the target")
              : check(pass.rt.app.target().healthChecks(), observed.get());
      if (health.status().isWorseThan(worst)) {
        worst = health.status();
        reason = resource.id() + ": " + health.message();
      }
    }
    pass.health = Health.of(worst, reason);
    updateHealth(pass);
  }

  private static Health check(List<HealthCheck> checks, LiveResource live) {
    for (HealthCheck check : checks) {
      try {
        Optional<Health> health = check.assess(live);
        if (health.isPresent()) {
          return health.get();
        }
      } catch (RuntimeException e) {
        return Health.of(HealthStatus.UNKNOWN, "health check failed: " + e);
      }
    }
    return Health.healthy();
  }

  private void updateHealth(Pass pass) {
    Health previous = pass.rt.health;
    pass.rt.health = pass.health;
    if (previous == null || previous.status() != pass.health.status()) {
      listener.healthChanged(pass.rt.app.name(), previous, pass.health);
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

  private static String shortId(String planId) {
    return planId.length() > 12 ? planId.substring(0, 12) : planId;
  }

  /** Records passes that changed something or changed status; quiet repeats are not recorded. */
  private void record(AppRuntime rt, PassResult result, Pass pass) {
    if (history == null || result.status() == PassStatus.SUSPENDED) {
      return;
    }
    boolean wrote = !result.results().isEmpty();
    boolean inSync = result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC;
    // A pass that finds what the last recorded one left is not news.
    String key =
        inSync
            ? "in-sync|" + result.revision() + "|" + pass.inputs
            : result.status()
                + "|"
                + result.revision()
                + "|"
                + result.planId()
                + "|"
                + result.error();
    if (!wrote && key.equals(rt.lastRecordKey)) {
      return;
    }
    rt.lastRecordKey = key;
    CommitInfo commit = result.commit();
    List<HistoryRecord.ChangeOutcome> changes = new ArrayList<>();
    for (StepResult step : result.results()) {
      changes.add(
          new HistoryRecord.ChangeOutcome(
              step.step().id().toString(),
              step.step().action().name().toLowerCase(java.util.Locale.ROOT),
              step.outcome().name(),
              step.message()));
    }
    String diff = wrote && pass.drift != null ? diffText.of(rt.app, pass.drift) : "";
    HistoryRecord record =
        new HistoryRecord(
            result.started(),
            result.application(),
            result.trigger(),
            result.revision(),
            commit == null ? "" : person(commit.author()),
            commit == null ? "" : person(commit.committer()),
            commit == null ? "" : commit.signature().toString(),
            result.status().name(),
            result.plan() == null ? "" : result.plan().summary(),
            changes,
            diff,
            result.duration(),
            result.error(),
            pass.inputs);
    try {
      history.append(record);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot append to the history", e);
    }
  }

  private static String person(Person person) {
    return person == null ? "" : person.name() + " <" + person.email() + ">";
  }

  /** Mutable facts gathered during one pass. */
  private final class Pass {
    final AppRuntime rt;
    final Trigger trigger;
    final Instant started;
    String revision;
    String inputs = "";
    CommitInfo commit;
    DriftReport drift;
    Plan plan;
    String planId = "";
    String approvedPlanId;
    List<StepResult> results = List.of();
    Health health;
    String error = "";
    boolean retryable;

    Pass(AppRuntime rt, Trigger trigger, Instant started) {
      this.rt = rt;
      this.trigger = trigger;
      this.started = started;
    }

    PassResult finish(PassStatus status) {
      Health current =
          health != null
              ? health
              : rt.health != null ? rt.health : Health.of(HealthStatus.UNKNOWN, "");
      return new PassResult(
          rt.app.name(),
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
}
