package dev.gitops4j.engine;

import dev.gitops4j.engine.internal.BreakerGuard;
import dev.gitops4j.engine.internal.DurableState;
import dev.gitops4j.engine.internal.EngineSettings;
import dev.gitops4j.engine.internal.PassRecorder;
import dev.gitops4j.engine.internal.Reconciler;
import dev.gitops4j.engine.internal.SafeListeners;
import dev.gitops4j.engine.internal.Scheduler;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.sync.internal.PlanExecutor;
import dev.gitops4j.webhook.PushEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Hosts applications and runs their reconcile passes: on an interval with jitter, on demand, on
 * target events and on webhooks. Never runs two passes of one application at once; bounds the
 * passes running across applications; retries transient failures with capped exponential backoff
 * and jitter.
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder().application(app).history(store).build()) {
 *   engine.start();
 *   PassResult first = engine.trigger("web").get();
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {

  private final Scheduler scheduler;
  private final HistoryStore history;
  private final DurableState state;
  private final PassRecorder recorder;
  private final Clock clock;
  private final List<AutoCloseable> owned;

  private Engine(Builder builder) {
    this.history = builder.history;
    this.clock = builder.clock;
    this.state = new DurableState(builder.state);
    this.owned = new ArrayList<>();
    ScheduledExecutorService timers = builder.scheduler;
    if (timers == null) {
      timers = Executors.newSingleThreadScheduledExecutor(daemon("gitops4j-timer"));
      owned.add(timers::shutdownNow);
    }
    Executor passes = builder.passExecutor;
    if (passes == null) {
      ExecutorService created =
          Executors.newFixedThreadPool(builder.maxConcurrentPasses, daemon("gitops4j-pass"));
      owned.add(created::shutdownNow);
      passes = created;
    }
    Executor steps = builder.stepExecutor;
    if (steps == null) {
      ExecutorService created = Executors.newCachedThreadPool(daemon("gitops4j-step"));
      owned.add(created::shutdownNow);
      steps = created;
    }
    EngineSettings settings = builder.settings();
    Reconciler.DiffText diffText = (app, report) -> app.target().unifiedDiff().render(report);
    this.recorder = new PassRecorder(builder.history, builder.fence, diffText);
    CircuitBreakerRegistry breakers = BreakerGuard.registry(settings.circuitOpen());
    Reconciler reconciler =
        new Reconciler(
            builder.clock,
            new SafeListeners(builder.listeners),
            state,
            builder.fence,
            recorder,
            new PlanExecutor(builder.clock, steps, settings.stepParallelism()),
            breakers::circuitBreaker,
            diffText);
    this.scheduler = new Scheduler(timers, passes, settings, reconciler);
    builder.applications.forEach(scheduler::register);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Subscribes to target events and schedules the first pass of every application. */
  public void start() {
    scheduler.start();
  }

  /** Adds an application; its first pass is scheduled at once when the engine is started. */
  public void register(Application application) {
    scheduler.register(application);
  }

  /** Removes an application after its pass in flight, if any. Resources stay as they are. */
  public void unregister(String application) {
    scheduler.unregister(application);
  }

  /** Names of the registered applications. */
  public List<String> applications() {
    return scheduler.names();
  }

  /**
   * The registered application named {@code name}, if any: its source, target (with the target's
   * redacting {@link Target#unifiedDiff()}) and policy, for tools that show it to people.
   */
  public Optional<Application> application(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return Optional.of(scheduler.runtime(name).app());
    } catch (java.util.NoSuchElementException e) {
      return Optional.empty();
    }
  }

  /**
   * Requests a pass now. Requests that arrive while a pass runs are coalesced into one more pass.
   *
   * @return the result of the next pass that starts after this call
   */
  public CompletableFuture<PassResult> trigger(String application) {
    return scheduler.request(application, Trigger.MANUAL);
  }

  /**
   * Tells the engine a managed resource changed in the target. Bursts are debounced into one pass
   * (with self-heal this corrects the change).
   */
  public void targetChanged(String application, ResourceId resource) {
    scheduler.targetChanged(application, resource);
  }

  /**
   * Requests passes for every application whose source follows the pushed repository and ref, as
   * reported by a verified webhook ({@link dev.gitops4j.webhook.WebhookReceiver}). Bursts of pushes
   * coalesce: an application already queued or running gets one more pass, not one per push.
   *
   * @return names of the applications triggered
   */
  public List<String> pushed(PushEvent push) {
    return scheduler.pushed(push);
  }

  /**
   * Approves the plan with {@code planId} and applies it. Refused when the plan computed by the
   * pass differs (the revision or live state moved): the pass then awaits approval of the new plan.
   */
  public CompletableFuture<PassResult> approve(String application, String planId) {
    Objects.requireNonNull(planId, "planId");
    scheduler.runtime(application);
    change(application, "record the approval", () -> state.approve(application, planId));
    return scheduler.request(application, Trigger.APPROVAL);
  }

  /**
   * Pins the application to {@code revision}, an earlier revision from its history, and reconciles
   * to it. The application stays pinned until {@link #unpin}, across restarts when the {@link
   * StateStore} is durable. The pin is recorded in the history (status {@code PINNED}) before it
   * takes effect.
   *
   * @throws IllegalArgumentException when a history store is configured and holds no record of
   *     {@code revision} for the application
   * @throws UncheckedIOException when the pin cannot be recorded or stored; nothing is pinned then
   */
  public CompletableFuture<PassResult> rollback(String application, String revision) {
    Objects.requireNonNull(revision, "revision");
    scheduler.runtime(application);
    if (history != null && !inHistory(application, revision)) {
      throw new IllegalArgumentException(
          "revision " + revision + " is not in the history of " + application);
    }
    pin(application, revision);
    return scheduler.request(application, Trigger.ROLLBACK);
  }

  /** Returns the application to following its source's ref (recorded as {@code UNPINNED}). */
  public CompletableFuture<PassResult> unpin(String application) {
    scheduler.runtime(application);
    pin(application, null);
    return scheduler.request(application, Trigger.ROLLBACK);
  }

  /** The revision the application is pinned to by a rollback, if any. */
  public Optional<String> pinnedRevision(String application) {
    return Optional.ofNullable(facts(application).pinnedRevision());
  }

  private void pin(String application, String revision) {
    change(
        application,
        "record the pin",
        () -> {
          recorder.recordPin(application, revision, clock.instant());
          state.pin(application, revision);
        });
  }

  /** Stops passes of the application from reading or writing until {@link #resume}. */
  public void suspend(String application) {
    scheduler.runtime(application);
    change(application, "store the suspension", () -> state.suspend(application, true));
  }

  /** Lets passes of a suspended application run again, starting with one now. */
  public void resume(String application) {
    scheduler.runtime(application);
    change(application, "store the resumption", () -> state.suspend(application, false));
    scheduler.request(application, Trigger.MANUAL);
  }

  /** Whether the application is suspended, by this engine or another sharing its state store. */
  public boolean suspended(String application) {
    return facts(application).suspended();
  }

  private DurableState.Facts facts(String application) {
    scheduler.runtime(application);
    try {
      return state.read(application);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the state of " + application, e);
    }
  }

  private interface StateChange {
    void run() throws IOException;
  }

  private static void change(String application, String what, StateChange change) {
    try {
      change.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot " + what + " of " + application, e);
    }
  }

  /** The result of the application's latest pass, if any ran. */
  public Optional<PassResult> lastResult(String application) {
    return Optional.ofNullable(scheduler.runtime(application).lastResult());
  }

  /**
   * Stops scheduling, lets passes in flight finish their current wave within the grace period and
   * skips their remaining steps, then stops the engine's own threads.
   */
  @Override
  public void close() {
    scheduler.close();
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        // Shutting down: nothing left to do with the failure.
      }
    }
  }

  private boolean inHistory(String application, String revision) {
    try {
      for (HistoryRecord record : history.list(application, Integer.MAX_VALUE)) {
        if (record.revision().equals(revision)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the history of " + application, e);
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Builder for {@link Engine}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private Executor passExecutor;
    private Executor stepExecutor;
    private int maxConcurrentPasses = 4;
    private int stepParallelism = 4;
    private Duration passTimeout = Duration.ofMinutes(10);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private double intervalJitter = 0.1;
    private Duration eventDebounce = Duration.ofMillis(500);
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private RandomGenerator random = RandomGenerator.getDefault();
    private Duration circuitOpen = Duration.ofSeconds(30);
    private HistoryStore history;
    private StateStore state = StateStore.inMemory();
    private Fence fence = Fence.NONE;
    private final List<ReconcileListener> listeners = new ArrayList<>();
    private final List<Application> applications = new ArrayList<>();

    private Builder() {}

    public Builder application(Application application) {
      applications.add(Objects.requireNonNull(application, "application"));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Timer service for intervals, retries, debounce and pass timeouts. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Executor that runs passes; the engine still bounds them by {@link #maxConcurrentPasses}. */
    public Builder passExecutor(Executor executor) {
      this.passExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Executor that runs the steps of a wave in parallel; must not be the pass executor. */
    public Builder stepExecutor(Executor executor) {
      this.stepExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public Builder maxConcurrentPasses(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentPasses must be at least 1");
      }
      this.maxConcurrentPasses = max;
      return this;
    }

    public Builder stepParallelism(int parallelism) {
      if (parallelism < 1) {
        throw new IllegalArgumentException("stepParallelism must be at least 1");
      }
      this.stepParallelism = parallelism;
      return this;
    }

    public Builder passTimeout(Duration timeout) {
      this.passTimeout = positive(timeout, "passTimeout");
      return this;
    }

    /**
     * Retry delays after transient failures: exponential from {@code initial}, capped at {@code
     * max}, with jitter.
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff must not be below the initial backoff");
      }
      return this;
    }

    public Builder intervalJitter(double fraction) {
      if (fraction < 0 || fraction >= 1) {
        throw new IllegalArgumentException("intervalJitter must be in [0, 1)");
      }
      this.intervalJitter = fraction;
      return this;
    }

    public Builder eventDebounce(Duration debounce) {
      this.eventDebounce = Objects.requireNonNull(debounce, "debounce");
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /**
     * How long the circuit breaker of a failing target endpoint stays open (failing fast) before it
     * lets a trial call through; default 30 s.
     */
    public Builder circuitOpenDuration(Duration duration) {
      this.circuitOpen = positive(duration, "circuitOpenDuration");
      return this;
    }

    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Audit trail of every pass that changed something or changed status. */
    public Builder history(HistoryStore history) {
      this.history = Objects.requireNonNull(history, "history");
      return this;
    }

    /**
     * Where pins, suspensions, approvals and the last applied revision are kept; default in memory,
     * so a restart forgets them. Replicas that share applications share one store.
     */
    public Builder state(StateStore state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * Whether this process may write for an application (a lease, say): checked when each pass
     * starts, before its first write, before each wave and before each history append; default
     * {@link Fence#NONE}.
     */
    public Builder fence(Fence fence) {
      this.fence = Objects.requireNonNull(fence, "fence");
      return this;
    }

    public Builder listener(ReconcileListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public Engine build() {
      return new Engine(this);
    }

    EngineSettings settings() {
      return new EngineSettings(
          maxConcurrentPasses,
          stepParallelism,
          passTimeout,
          initialBackoff,
          maxBackoff,
          intervalJitter,
          eventDebounce,
          shutdownGrace,
          random,
          circuitOpen);
    }

    private static Duration positive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return value;
    }
  }
}
