package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.sync.internal.PlanExecutor;
import dev.gitops4j.webhook.PushEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when passes run: one at a time per application, at most {@code maxConcurrentPasses}
 * across applications, on interval, request, debounced target event, or backoff after a failure.
 */
public final class Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final Executor passes;
  private final Engine.Settings settings;
  private final Reconciler reconciler;
  private final IntervalFunction backoff;
  private final CircuitBreakerRegistry breakers;

  private final Map<String, AppRuntime> runtimes = new LinkedHashMap<>();
  private final Queue<AppRuntime> ready = new ArrayDeque<>();
  private int running;
  private boolean started;
  private volatile boolean closing;

  public Scheduler(
      Clock clock,
      ScheduledExecutorService timers,
      Executor passes,
      Executor steps,
      Engine.Settings settings,
      List<ReconcileListener> listeners,
      HistoryStore history) {
    this.clock = clock;
    this.timers = timers;
    this.passes = passes;
    this.settings = settings;
    this.backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            settings.initialBackoff(), 2.0, 0.5, settings.maxBackoff());
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .recordException(Scheduler::isTransientTargetFailure)
                .build());
    this.reconciler =
        new Reconciler(
            clock,
            new SafeListeners(listeners),
            history,
            new PlanExecutor(clock, steps, settings.stepParallelism()),
            this::breaker,
            (app, report) -> app.target().unifiedDiff().render(report));
  }

  private static boolean isTransientTargetFailure(Throwable error) {
    return error instanceof dev.gitops4j.model.TargetException target && target.isRetryable();
  }

  private CircuitBreaker breaker(String endpoint) {
    return breakers.circuitBreaker(endpoint);
  }

  public synchronized void register(Application app) {
    if (closing) {
      throw new IllegalStateException("engine is closed");
    }
    if (runtimes.containsKey(app.name())) {
      throw new IllegalArgumentException("application " + app.name() + " is already registered");
    }
    AppRuntime rt = new AppRuntime(app);
    runtimes.put(app.name(), rt);
    if (started) {
      activate(rt);
    }
  }

  public void unregister(String name) {
    AppRuntime rt;
    synchronized (this) {
      rt = runtimes.remove(name);
      if (rt == null) {
        throw new NoSuchElementException("no application " + name);
      }
      ready.remove(rt);
    }
    synchronized (rt) {
      rt.removed = true;
      cancelTimers(rt);
    }
    closeSubscription(rt);
  }

  public synchronized List<String> names() {
    return List.copyOf(runtimes.keySet());
  }

  public synchronized AppRuntime runtime(String name) {
    AppRuntime rt = runtimes.get(name);
    if (rt == null) {
      throw new NoSuchElementException("no application " + name);
    }
    return rt;
  }

  public void start() {
    List<AppRuntime> all;
    synchronized (this) {
      if (started) {
        return;
      }
      started = true;
      all = List.copyOf(runtimes.values());
    }
    all.forEach(this::activate);
  }

  private void activate(AppRuntime rt) {
    rt.app
        .target()
        .events()
        .ifPresent(
            events -> {
              try {
                rt.eventSubscription =
                    events.subscribe(rt.app.name(), id -> targetChanged(rt.app.name(), id));
              } catch (Exception e) {
                LOG.warn(
                    "cannot subscribe to target events of {}; relying on the interval",
                    rt.app.name(),
                    e);
              }
            });
    request(rt, Trigger.INTERVAL);
  }

  public CompletableFuture<PassResult> request(String name, Trigger trigger) {
    return request(runtime(name), trigger);
  }

  private CompletableFuture<PassResult> request(AppRuntime rt, Trigger trigger) {
    CompletableFuture<PassResult> waiter = new CompletableFuture<>();
    if (closing) {
      waiter.completeExceptionally(new IllegalStateException("engine is closed"));
      return waiter;
    }
    boolean enqueue;
    synchronized (rt) {
      if (rt.removed) {
        waiter.completeExceptionally(new NoSuchElementException("no application " + rt.app.name()));
        return waiter;
      }
      rt.waiters.add(waiter);
      if (rt.pendingTrigger == null || trigger != Trigger.INTERVAL) {
        rt.pendingTrigger = trigger;
      }
      enqueue = rt.state == AppRuntime.State.IDLE;
      if (enqueue) {
        rt.state = AppRuntime.State.QUEUED;
      }
    }
    if (enqueue) {
      synchronized (this) {
        ready.add(rt);
      }
    }
    dispatch();
    return waiter;
  }

  public void targetChanged(String name, ResourceId resource) {
    AppRuntime rt = runtime(name);
    LOG.debug("target event for {}: {}", name, resource);
    synchronized (rt) {
      if (rt.debounce != null && !rt.debounce.isDone()) {
        return;
      }
      rt.debounce =
          timers.schedule(
              () -> request(rt, Trigger.TARGET_EVENT),
              settings.eventDebounce().toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  public List<String> pushed(PushEvent push) {
    List<AppRuntime> matching;
    synchronized (this) {
      matching =
          runtimes.values().stream()
              .filter(
                  rt ->
                      push.repositoryUrls().stream()
                          .anyMatch(url -> rt.app.source().follows(url, push.ref())))
              .toList();
    }
    matching.forEach(rt -> request(rt, Trigger.WEBHOOK));
    return matching.stream().map(rt -> rt.app.name()).toList();
  }

  private void dispatch() {
    while (true) {
      AppRuntime next;
      synchronized (this) {
        if (closing || running >= settings.maxConcurrentPasses() || ready.isEmpty()) {
          return;
        }
        next = ready.poll();
        running++;
      }
      try {
        passes.execute(() -> runPass(next));
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          running--;
        }
        failWaiters(next, e);
        return;
      }
    }
  }

  private void runPass(AppRuntime rt) {
    Trigger trigger;
    List<CompletableFuture<PassResult>> waiters;
    synchronized (rt) {
      trigger = rt.pendingTrigger == null ? Trigger.INTERVAL : rt.pendingTrigger;
      rt.pendingTrigger = null;
      waiters = new ArrayList<>(rt.waiters);
      rt.waiters.clear();
      rt.state = AppRuntime.State.RUNNING;
    }
    Thread worker = Thread.currentThread();
    ScheduledFuture<?> watchdog =
        timers.schedule(
            () -> {
              LOG.warn(
                  "pass of {} exceeded {}; interrupting", rt.app.name(), settings.passTimeout());
              worker.interrupt();
            },
            settings.passTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    PassResult result;
    try {
      result =
          reconciler.reconcile(
              rt, trigger, () -> closing || Thread.currentThread().isInterrupted());
    } finally {
      watchdog.cancel(false);
      Thread.interrupted();
    }
    waiters.forEach(w -> w.complete(result));
    boolean requeue;
    synchronized (rt) {
      requeue = rt.pendingTrigger != null && !rt.removed && !closing;
      rt.state = requeue ? AppRuntime.State.QUEUED : AppRuntime.State.IDLE;
      if (!rt.removed && !closing) {
        scheduleNext(rt, result);
      }
    }
    synchronized (this) {
      running--;
      if (requeue) {
        ready.add(rt);
      }
      notifyAll();
    }
    dispatch();
  }

  /** Guarded by rt: the next interval pass, or a backoff retry after a transient failure. */
  private void scheduleNext(AppRuntime rt, PassResult result) {
    if (rt.timer != null) {
      rt.timer.cancel(false);
    }
    long delay;
    Trigger trigger;
    if (result.status() == PassStatus.FAILED && result.retryable()) {
      rt.consecutiveFailures++;
      delay = Math.min(backoff.apply(rt.consecutiveFailures), settings.maxBackoff().toMillis());
      trigger = Trigger.RETRY;
    } else {
      rt.consecutiveFailures = 0;
      long interval = rt.app.interval().toMillis();
      double jitter = settings.intervalJitter() * (2 * settings.random().nextDouble() - 1);
      delay = Math.max(1, Math.round(interval * (1 + jitter)));
      trigger = Trigger.INTERVAL;
    }
    rt.timer = timers.schedule(() -> request(rt, trigger), delay, TimeUnit.MILLISECONDS);
  }

  /** The delay before the next scheduled pass of an application, for tests and status pages. */
  public synchronized int consecutiveFailures(String name) {
    AppRuntime rt = runtime(name);
    synchronized (rt) {
      return rt.consecutiveFailures;
    }
  }

  private static void cancelTimers(AppRuntime rt) {
    if (rt.timer != null) {
      rt.timer.cancel(false);
    }
    if (rt.debounce != null) {
      rt.debounce.cancel(false);
    }
  }

  private static void closeSubscription(AppRuntime rt) {
    if (rt.eventSubscription != null) {
      try {
        rt.eventSubscription.close();
      } catch (Exception e) {
        LOG.debug("closing the event subscription of {} failed", rt.app.name(), e);
      }
    }
  }

  private static void failWaiters(AppRuntime rt, Exception error) {
    List<CompletableFuture<PassResult>> waiters;
    synchronized (rt) {
      waiters = new ArrayList<>(rt.waiters);
      rt.waiters.clear();
      rt.pendingTrigger = null;
      rt.state = AppRuntime.State.IDLE;
    }
    waiters.forEach(w -> w.completeExceptionally(error));
  }

  /**
   * Stops scheduling; waits up to the grace period for passes in flight, which skip what remains.
   */
  public void close() {
    List<AppRuntime> all;
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      all = List.copyOf(runtimes.values());
      ready.clear();
    }
    for (AppRuntime rt : all) {
      synchronized (rt) {
        cancelTimers(rt);
      }
      closeSubscription(rt);
      failWaiters(rt, new IllegalStateException("engine is closed"));
    }
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    synchronized (this) {
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("{} passes still running after the shutdown grace period", running);
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
