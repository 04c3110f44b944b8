package dev.gitops4j.generate;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.generate.RolloutStatus.ApplicationState;
import dev.gitops4j.generate.RolloutStatus.StepState;
import dev.gitops4j.generate.internal.Deletion;
import dev.gitops4j.generate.internal.Members;
import dev.gitops4j.generate.internal.RolloutSteps;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the applications an engine runs equal to what a {@link Generator} and an {@link
 * ApplicationTemplate} make: one application per parameter set, registered when the set appears,
 * registered again when its parameters or rollout step change, and removed by the explicit {@link
 * DeletionPolicy} when it disappears. A {@link Rollout} makes later steps wait for earlier ones.
 *
 * <pre>{@code
 * ApplicationSet web = ApplicationSet.builder("web", engine)
 *     .generator(fleet.generator(LabelSelector.of("env", "prod")))
 *     .template(p -> webOn(p.get("cluster.name")))
 *     .deletionPolicy(DeletionPolicy.PRUNE)
 *     .rollout(Rollout.steps(1))
 *     .build();
 * Changes next = web.preview();   // what would change, changing nothing
 * web.start(timers, Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>An evaluation validates everything first (every parameter set made into an application, names
 * unique, none taken by an application the set does not own) and changes nothing when something is
 * wrong. The set only touches applications it registered itself. It records each one with its
 * parameters in a {@link StateStore} ({@link Builder#members}) before registering it, so that after
 * a restart an application whose parameter set disappeared while the process was down is still
 * removed by the deletion policy (made again from the recorded parameters to be deleted). With the
 * default in-memory store nothing survives a restart. Thread-safe.
 */
public final class ApplicationSet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApplicationSet.class);

  private final String name;
  private final Engine engine;
  private final Generator generator;
  private final ApplicationTemplate template;
  private final DeletionPolicy deletionPolicy;
  private final Rollout rollout;
  private final StateStore members;

  // Guarded by this.
  private final Map<String, Made> registered = new LinkedHashMap<>();
  private final Map<String, Application> deleting = new TreeMap<>();
  private List<List<String>> steps = List.of();
  private ScheduledFuture<?> task;
  private AutoCloseable subscription;
  private volatile String lastError = "";
  // Guarded by this: recorded members not registered by this process, read on first evaluation.
  private Map<String, Parameters> leftovers;

  /** One generated application as registered: what made it and what it was made into. */
  private record Made(Parameters parameters, List<String> stepDependencies, Application app) {}

  /** What an evaluation would do. */
  private record Evaluation(
      Map<String, Made> wanted,
      List<List<String>> steps,
      List<String> created,
      List<String> updated,
      List<String> removed,
      List<String> unchanged,
      Map<String, Application> leftovers) {

    Changes changes() {
      Map<String, Parameters> generated = new TreeMap<>();
      wanted.forEach((app, made) -> generated.put(app, made.parameters()));
      return new Changes(created, updated, removed, unchanged, generated);
    }
  }

  private ApplicationSet(Builder builder) {
    this.name = builder.name;
    this.engine = builder.engine;
    this.generator = builder.generator;
    this.template = builder.template;
    this.deletionPolicy = builder.deletionPolicy;
    this.rollout = builder.rollout;
    this.members = builder.members;
  }

  /** Starts an application set named {@code name} that registers into {@code engine}. */
  public static Builder builder(String name, Engine engine) {
    return new Builder(name, engine);
  }

  /** The name of this set, for logs. */
  public String name() {
    return name;
  }

  /**
   * What {@link #reconcile()} would change now, without changing anything.
   *
   * @throws GeneratorException when the generator or the template fails, or a name clashes
   */
  public synchronized Changes preview() throws GeneratorException {
    return evaluate().changes();
  }

  /**
   * Registers, re-registers and removes applications so the engine runs what the generator produces
   * now; first finishes the deletions whose pass is done.
   *
   * @return what changed
   * @throws GeneratorException when the generator or the template fails, or a name clashes; then
   *     nothing changed
   */
  public synchronized Changes reconcile() throws GeneratorException {
    finishDeletions();
    Evaluation next;
    try {
      next = evaluate();
    } catch (GeneratorException e) {
      lastError = e.getMessage();
      throw e;
    }
    Set<String> changing = new LinkedHashSet<>(next.created());
    changing.addAll(next.updated());
    // Recorded before anything is registered: a crash then leaves a record, never a stray member.
    for (String app : changing) {
      record(app, next.wanted().get(app).parameters());
    }
    // In rollout order, so a dependency is registered before what depends on it.
    for (List<String> step : next.steps()) {
      for (String app : step) {
        if (!changing.contains(app)) {
          continue;
        }
        if (registered.containsKey(app) || deleting.containsKey(app)) {
          engine.unregister(app);
          deleting.remove(app);
        }
        Made made = next.wanted().get(app);
        engine.register(made.app());
        registered.put(app, made);
      }
    }
    for (String app : next.removed()) {
      Made made = registered.remove(app);
      if (made != null) {
        engine.unregister(app);
        remove(made.app());
      } else {
        remove(next.leftovers().get(app));
        leftovers.remove(app);
      }
    }
    steps = next.steps();
    lastError = "";
    Changes changes = next.changes();
    if (!changes.isEmpty()) {
      LOG.info(
          "application set {}: created {}, updated {}, removed {}",
          name,
          changes.created(),
          changes.updated(),
          changes.removed());
    }
    return changes;
  }

  private Evaluation evaluate() throws GeneratorException {
    List<Parameters> sets = generator.generate();
    Map<String, Parameters> parameters = new LinkedHashMap<>();
    Map<String, Application> made = new LinkedHashMap<>();
    for (Parameters set : sets) {
      Application app;
      try {
        app = Objects.requireNonNull(template.create(set), "the template returned null");
      } catch (RuntimeException e) {
        throw new GeneratorException(
            "application set " + name + ": the template refused " + set + ": " + e.getMessage(), e);
      }
      Parameters earlier = parameters.putIfAbsent(app.name(), set);
      if (earlier != null) {
        throw new GeneratorException(
            "application set "
                + name
                + ": parameter sets "
                + earlier
                + " and "
                + set
                + " both make application "
                + app.name(),
            null);
      }
      made.put(app.name(), app);
    }
    List<String> foreign = new ArrayList<>();
    Set<String> inEngine = new TreeSet<>(engine.applications());
    for (String app : made.keySet()) {
      if (inEngine.contains(app) && !registered.containsKey(app) && !deleting.containsKey(app)) {
        foreign.add(app);
      }
    }
    if (!foreign.isEmpty()) {
      throw new GeneratorException(
          "application set "
              + name
              + ": "
              + String.join(", ", foreign)
              + " already registered in the engine by someone else",
          null);
    }
    List<List<String>> order = RolloutSteps.of(rollout, parameters);
    Map<String, Made> wanted = new LinkedHashMap<>();
    List<String> previous = List.of();
    for (List<String> step : order) {
      for (String app : step) {
        wanted.put(app, made(parameters.get(app), previous, made.get(app)));
      }
      previous = step;
    }
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (Map.Entry<String, Made> entry : wanted.entrySet()) {
      Made before = registered.get(entry.getKey());
      if (before == null) {
        created.add(entry.getKey());
      } else if (!before.parameters().equals(entry.getValue().parameters())
          || !before.stepDependencies().equals(entry.getValue().stepDependencies())) {
        updated.add(entry.getKey());
      } else {
        unchanged.add(entry.getKey());
      }
    }
    List<String> removed = new ArrayList<>();
    registered.keySet().stream().filter(app -> !wanted.containsKey(app)).forEach(removed::add);
    Map<String, Application> gone = new TreeMap<>();
    recorded()
        .forEach(
            (app, recorded) -> {
              if (!wanted.containsKey(app) && !deleting.containsKey(app)) {
                Application leftover = leftover(app, recorded, inEngine);
                if (leftover != null) {
                  gone.put(app, leftover);
                  removed.add(app);
                }
              }
            });
    removed.sort(null);
    return new Evaluation(wanted, order, created, updated, removed, unchanged, gone);
  }

  /** Guarded by this: the recorded members this process did not register, read once. */
  private Map<String, Parameters> recorded() throws GeneratorException {
    if (leftovers == null) {
      Map<String, Parameters> read = new TreeMap<>();
      try {
        members.read(recordKey()).forEach((app, json) -> read.put(app, Members.parse(json)));
      } catch (IOException | RuntimeException e) {
        throw new GeneratorException(
            "application set " + name + ": cannot read its recorded members: " + e.getMessage(), e);
      }
      leftovers = read;
    }
    Map<String, Parameters> left = new TreeMap<>(leftovers);
    left.keySet().removeAll(registered.keySet());
    return left;
  }

  /**
   * A recorded member no longer generated, made again from its recorded parameters so that the
   * deletion policy can be applied to it; null (logged) when that is not possible now.
   */
  private Application leftover(String app, Parameters recorded, Set<String> inEngine) {
    if (inEngine.contains(app)) {
      LOG.warn(
          "application set {}: recorded member {} is registered by someone else; left alone",
          name,
          app);
      return null;
    }
    try {
      Application made =
          Objects.requireNonNull(template.create(recorded), "the template returned null");
      if (!made.name().equals(app)) {
        throw new IllegalStateException("the template now names it " + made.name());
      }
      return made;
    } catch (RuntimeException e) {
      LOG.warn(
          "application set {}: recorded member {} cannot be made again from {} to be removed ({});"
              + " kept for the next evaluation",
          name,
          app,
          recorded,
          e.getMessage());
      return null;
    }
  }

  /** Key of this set's records in the members store: not a valid application name. */
  private String recordKey() {
    return "@application-set:" + name;
  }

  private void record(String app, Parameters parameters) throws GeneratorException {
    try {
      members.put(recordKey(), app, Members.json(parameters));
    } catch (IOException | RuntimeException e) {
      throw new GeneratorException(
          "application set " + name + ": cannot record member " + app + ": " + e.getMessage(), e);
    }
  }

  private void forget(String app) {
    try {
      members.remove(recordKey(), app);
    } catch (IOException | RuntimeException e) {
      // The record stays: the next start removes the member again, which finds nothing to do.
      LOG.warn("application set {}: cannot drop the record of {}: {}", name, app, e.getMessage());
    }
  }

  /** The application with the previous step added to what it depends on. */
  private static Made made(Parameters parameters, List<String> previousStep, Application app) {
    if (previousStep.isEmpty()) {
      return new Made(parameters, List.of(), app);
    }
    List<String> dependsOn = new ArrayList<>(app.dependsOn());
    for (String dependency : previousStep) {
      if (!dependsOn.contains(dependency)) {
        dependsOn.add(dependency);
      }
    }
    Application gated =
        new Application(
            app.name(),
            app.source(),
            app.target(),
            app.policy(),
            app.interval(),
            app.passTimeout(),
            app.syncWindows(),
            app.waveHealth(),
            dependsOn);
    return new Made(parameters, previousStep, gated);
  }

  /**
   * Guarded by this: removes {@code app}, no longer registered: with ORPHAN forgets it, with PRUNE
   * starts deleting what it owns.
   */
  private void remove(Application app) {
    if (deletionPolicy == DeletionPolicy.ORPHAN) {
      forget(app.name());
      return;
    }
    Application deletion = Deletion.of(app);
    engine.register(deletion);
    deleting.put(app.name(), deletion);
    CompletableFuture<PassResult> pass = engine.trigger(app.name());
    if (pass.isDone() && !pass.isCompletedExceptionally()) {
      // Ran already (an engine that passes on the caller's thread): finish it before returning.
      if (deleted(pass.join())) {
        finishDeletion(app.name(), deletion);
      }
      return;
    }
    // Off the engine's thread: finishing takes this set's lock.
    pass.whenCompleteAsync(
        (result, error) -> {
          if (result != null && deleted(result)) {
            synchronized (this) {
              finishDeletion(app.name(), deletion);
            }
          }
        });
  }

  /** Guarded by this: unregisters the deletions whose latest pass deleted everything. */
  private void finishDeletions() {
    for (Map.Entry<String, Application> entry : List.copyOf(deleting.entrySet())) {
      Optional<PassResult> last = lastResult(entry.getKey());
      if (last.isPresent() && deleted(last.get())) {
        finishDeletion(entry.getKey(), entry.getValue());
      }
    }
  }

  private void finishDeletion(String app, Application deletion) {
    if (deleting.get(app) != deletion) {
      return; // re-created meanwhile, or already finished
    }
    deleting.remove(app);
    try {
      engine.unregister(app);
    } catch (NoSuchElementException e) {
      // Unregistered by someone else: nothing left to do.
    }
    forget(app);
    LOG.info("application set {}: deleted {}", name, app);
  }

  private static boolean deleted(PassResult result) {
    return result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC;
  }

  private Optional<PassResult> lastResult(String app) {
    try {
      return engine.lastResult(app);
    } catch (NoSuchElementException e) {
      return Optional.empty();
    }
  }

  /** Names of the applications the set runs now, in rollout order. */
  public synchronized List<String> applications() {
    return steps.stream().flatMap(List::stream).toList();
  }

  /** Names of the removed applications whose objects are still being deleted ({@code PRUNE}). */
  public synchronized List<String> deleting() {
    return List.copyOf(deleting.keySet());
  }

  /** Why the latest evaluation failed, or empty when it succeeded. */
  public String lastError() {
    return lastError;
  }

  /**
   * Where the rollout stands, from each application's latest pass. Resolves each application's
   * source to tell whether the revision it synced is still the current one.
   */
  public RolloutStatus rollout() {
    List<List<String>> now;
    Map<String, Application> apps = new LinkedHashMap<>();
    synchronized (this) {
      now = steps;
      registered.forEach((app, made) -> apps.put(app, made.app()));
    }
    List<RolloutStatus.Step> result = new ArrayList<>();
    boolean earlierDone = true;
    for (int i = 0; i < now.size(); i++) {
      List<ApplicationState> states = new ArrayList<>();
      for (String app : now.get(i)) {
        states.add(state(app, apps.get(app)));
      }
      StepState state;
      if (states.stream().anyMatch(ApplicationState::stops)) {
        state = StepState.STOPPED;
      } else if (!earlierDone) {
        state = StepState.PENDING;
      } else if (states.stream().allMatch(ApplicationState::done)) {
        state = StepState.DONE;
      } else {
        state = StepState.IN_PROGRESS;
      }
      earlierDone = earlierDone && state == StepState.DONE;
      result.add(new RolloutStatus.Step(i, state, states));
    }
    return new RolloutStatus(result);
  }

  private ApplicationState state(String app, Application application) {
    Optional<PassResult> last = lastResult(app);
    if (last.isEmpty()) {
      return new ApplicationState(app, null, null, "", false, "");
    }
    PassResult r = last.get();
    boolean current;
    try {
      current = application != null && application.source().resolve().equals(r.revision());
    } catch (SourceException | RuntimeException e) {
      current = false;
    }
    String message = r.error().isEmpty() ? r.health().message() : r.error();
    return new ApplicationState(
        app, r.status(), r.health().status(), r.revision(), current, message);
  }

  /**
   * Evaluates now and then every {@code interval}, and whenever the generator reports a change, on
   * {@code timers}. A failed evaluation is logged and kept in {@link #lastError()}; the next one
   * tries again.
   */
  public synchronized void start(ScheduledExecutorService timers, Duration interval) {
    Objects.requireNonNull(timers, "timers");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    if (task != null) {
      throw new IllegalStateException("application set " + name + " is already started");
    }
    subscription = generator.subscribe(() -> timers.execute(this::reconcileQuietly));
    task =
        timers.scheduleWithFixedDelay(
            this::reconcileQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (GeneratorException e) {
      LOG.warn("application set {}: nothing changed: {}", name, e.getMessage());
    } catch (RuntimeException e) {
      lastError = e.toString();
      LOG.error("application set {}: evaluation failed", name, e);
    }
  }

  /**
   * Stops evaluating. The applications stay registered in the engine (closing the engine stops
   * them).
   */
  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.debug("closing the generator subscription of {} failed", name, e);
      }
      subscription = null;
    }
  }

  /** Builder for {@link ApplicationSet}: generator, template and deletion policy are required. */
  public static final class Builder {
    private final String name;
    private final Engine engine;
    private Generator generator;
    private ApplicationTemplate template;
    private DeletionPolicy deletionPolicy;
    private Rollout rollout = Rollout.allAtOnce();
    private StateStore members = StateStore.inMemory();

    private Builder(String name, Engine engine) {
      this.name = Objects.requireNonNull(name, "name");
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    public Builder generator(Generator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    public Builder template(ApplicationTemplate template) {
      this.template = Objects.requireNonNull(template, "template");
      return this;
    }

    /** What happens to an application no longer generated; no default, it must be chosen. */
    public Builder deletionPolicy(DeletionPolicy policy) {
      this.deletionPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** In which steps the applications write a new revision (default all at once). */
    public Builder rollout(Rollout rollout) {
      this.rollout = Objects.requireNonNull(rollout, "rollout");
      return this;
    }

    /**
     * Where the set records its members and their parameters (default in memory). Give it a durable
     * store, typically the engine's own, so that a member removed from Git or the registry while
     * the process was down is still removed by the deletion policy after a restart.
     */
    public Builder members(StateStore store) {
      this.members = Objects.requireNonNull(store, "store");
      return this;
    }

    public ApplicationSet build() {
      List<String> missing = new ArrayList<>();
      if (generator == null) {
        missing.add("generator");
      }
      if (template == null) {
        missing.add("template");
      }
      if (deletionPolicy == null) {
        missing.add("deletionPolicy (PRUNE or ORPHAN)");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "application set " + name + " lacks " + String.join(", ", missing));
      }
      return new ApplicationSet(this);
    }
  }
}
