package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.webhook.PushEvent;
import io.github.resilience4j.core.IntervalFunction;
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
 *
 * <p>Locks: the scheduler's monitor guards the registry, the ready queue and the running count;
 * each runtime's monitor guards its scheduling fields. The scheduler's monitor is never taken while
 * holding a runtime's, and no user code or executor runs under either.
 */
public final class Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final ScheduledExecutorService timers;
  private final Executor passes;
  private final EngineSettings settings;
  private final Reconciler reconciler;
  private final IntervalFunction backoff;

  private final Map<String, AppRuntime> runtimes = new LinkedHashMap<>();
  private final Queue<AppRuntime> ready = new ArrayDeque<>();
  private int running;
  private final DependencyGate.Peers peers =
      new DependencyGate.Peers() {
        @Override
        public AppRuntime find(String name) {
          synchronized (Scheduler.this) {
            return runtimes.get(name);
          }
        }

        @Override
        public void nudge(String name) {
          AppRuntime dependency = find(name);
          if (dependency != null) {
            request(dependency, Trigger.INTERVAL);
          }
        }
      };
  private boolean started;
  private volatile boolean closing;

  public Scheduler(
      ScheduledExecutorService timers,
      Executor passes,
      EngineSettings settings,
      Reconciler reconciler) {
    this.timers = timers;
    this.passes = passes;
    this.settings = settings;
    this.reconciler = reconciler;
    this.backoff =
        IntervalFunction.ofExponentialBackoff(
            settings.initialBackoff(), 2.0, settings.maxBackoff());
  }

  public void register(Application app) {
    AppRuntime rt = new AppRuntime(app);
    boolean activate;
    synchronized (this) {
      if (closing) {
        throw new IllegalStateException("engine is closed");
      }
      if (runtimes.containsKey(app.name())) {
        throw new IllegalArgumentException("application " + app.name() + " is already registered");
      }
      List<String> cycle = cycleThrough(app);
      if (!cycle.isEmpty()) {
        throw new IllegalArgumentException(
            "application "
                + app.name()
                + " closes a dependency cycle: "
                + String.join(" -> ", cycle));
      }
      runtimes.put(app.name(), rt);
      activate = started;
    }
    if (activate) {
      activate(rt);
    }
  }

  /**
   * Removes an application: pending requests fail, no new pass starts, and this returns once the
   * pass in flight (if any) finished, so the name can be registered again safely.
   */
  /** Guarded by this: the path app -> ... -> app through dependsOn, or empty when there is none. */
  private List<String> cycleThrough(Application app) {
    java.util.Deque<String> path = new ArrayDeque<>();
    path.add(app.name());
    return search(app, app.name(), path, new java.util.HashSet<>()) ? List.copyOf(path) : List.of();
  }

  private boolean search(
      Application from, String start, java.util.Deque<String> path, java.util.Set<String> seen) {
    for (String next : from.dependsOn()) {
      path.addLast(next);
      if (next.equals(start)) {
        return true;
      }
      AppRuntime rt = runtimes.get(next);
      if (rt != null && seen.add(next) && search(rt.app(), start, path, seen)) {
        return true;
      }
      path.removeLast();
    }
    return false;
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
    List<CompletableFuture<PassResult>> dropped;
    synchronized (rt) {
      rt.removed = true;
      cancelTimers(rt);
      dropped = takeWaiters(rt);
      if (rt.state == AppRuntime.State.QUEUED) {
        rt.state = AppRuntime.State.IDLE;
      }
    }
    dropped.forEach(
        w -> w.completeExceptionally(new NoSuchElementException("no application " + name)));
    closeSubscription(rt);
    awaitIdle(rt, passTimeout(rt).plus(settings.shutdownGrace()));
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
    rt.app()
        .target()
        .events()
        .ifPresent(
            events -> {
              try {
                rt.eventSubscription =
                    events.subscribe(rt.app().name(), id -> targetChanged(rt, id));
              } catch (Exception e) {
                LOG.warn(
                    "cannot subscribe to target events of {}; relying on the interval",
                    rt.app().name(),
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
    boolean enqueue;
    synchronized (rt) {
      // Checked under the runtime's lock, which close() also takes to fail waiters.
      if (closing) {
        waiter.completeExceptionally(new IllegalStateException("engine is closed"));
        return waiter;
      }
      if (rt.removed) {
        waiter.completeExceptionally(
            new NoSuchElementException("no application " + rt.app().name()));
        return waiter;
      }
      rt.waiters.add(waiter);
      rt.pendingTrigger = stronger(rt.pendingTrigger, trigger);
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

  /** Coalesced requests keep the strongest reason: explicit requests must not be downgraded. */
  static Trigger stronger(Trigger current, Trigger incoming) {
    if (current == null) {
      return incoming;
    }
    return rank(incoming) > rank(current) ? incoming : current;
  }

  private static int rank(Trigger trigger) {
    return switch (trigger) {
      case INTERVAL -> 0;
      case RETRY -> 1;
      case TARGET_EVENT, WEBHOOK -> 2;
      case MANUAL -> 3;
      case ROLLBACK -> 4;
      case APPROVAL -> 5;
    };
  }

  public void targetChanged(String name, ResourceId resource) {
    AppRuntime rt;
    synchronized (this) {
      rt = runtimes.get(name);
    }
    if (rt == null) {
      LOG.debug("target event for unknown application {}: {}", name, resource);
      return;
    }
    targetChanged(rt, resource);
  }

  private void targetChanged(AppRuntime rt, ResourceId resource) {
    LOG.debug("target event for {}: {}", rt.app().name(), resource);
    synchronized (rt) {
      if (rt.removed || closing || (rt.debounce != null && !rt.debounce.isDone())) {
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
    List<AppRuntime> all;
    synchronized (this) {
      all = List.copyOf(runtimes.values());
    }
    List<AppRuntime> matching =
        all.stream()
            .filter(
                rt ->
                    push.repositoryUrls().stream()
                        .anyMatch(url -> rt.app().source().follows(url, push.ref())))
            .toList();
    matching.forEach(rt -> request(rt, Trigger.WEBHOOK));
    return matching.stream().map(rt -> rt.app().name()).toList();
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
        rejected(next, e);
      }
    }
  }

  /** The pass executor refused a pass: report it, keep the schedule alive, go on draining. */
  private void rejected(AppRuntime rt, RejectedExecutionException error) {
    LOG.warn("pass executor rejected a pass of {}", rt.app().name(), error);
    List<CompletableFuture<PassResult>> waiters;
    synchronized (rt) {
      waiters = takeWaiters(rt);
      rt.pendingTrigger = null;
      rt.state = AppRuntime.State.IDLE;
      rt.notifyAll();
      if (!rt.removed && !closing) {
        schedule(rt, nextBackoff(rt), Trigger.RETRY);
      }
    }
    synchronized (this) {
      running--;
      notifyAll();
    }
    waiters.forEach(w -> w.completeExceptionally(error));
  }

  private void runPass(AppRuntime rt) {
    Trigger trigger;
    List<CompletableFuture<PassResult>> waiters;
    boolean skip;
    synchronized (rt) {
      skip = rt.removed || closing;
      trigger = rt.pendingTrigger == null ? Trigger.INTERVAL : rt.pendingTrigger;
      rt.pendingTrigger = null;
      waiters = takeWaiters(rt);
      rt.state = skip ? AppRuntime.State.IDLE : AppRuntime.State.RUNNING;
    }
    PassResult result = null;
    Throwable failure = null;
    try {
      if (skip) {
        failure = new IllegalStateException(closing ? "engine is closed" : "application removed");
      } else {
        result = reconcileWithTimeout(rt, trigger);
      }
    } catch (Throwable e) {
      // Whatever user code threw, the bookkeeping below must run or the application stalls.
      failure = e;
      LOG.error("pass of {} ended abnormally", rt.app().name(), e);
    } finally {
      boolean requeue;
      synchronized (rt) {
        requeue = rt.pendingTrigger != null && !rt.removed && !closing;
        rt.state = requeue ? AppRuntime.State.QUEUED : AppRuntime.State.IDLE;
        rt.notifyAll();
        if (!skip && !rt.removed && !closing) {
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
    }
    if (result != null && result.status() != PassStatus.WAITING) {
      wakeDependents(rt, result);
    }
    for (CompletableFuture<PassResult> waiter : waiters) {
      if (result != null) {
        waiter.complete(result);
      } else {
        waiter.completeExceptionally(failure);
      }
    }
    dispatch();
  }

  /**
   * A dependency got to a synced, healthy state: passes that wait for it run now, and when it wrote
   * (a new revision, say) every dependent runs, since it may render from what was written (a
   * Terraform output, for instance).
   */
  private void wakeDependents(AppRuntime dependency, PassResult result) {
    boolean ready =
        (result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC)
            && result.health().status() == dev.gitops4j.model.HealthStatus.HEALTHY;
    if (!ready) {
      return;
    }
    List<AppRuntime> all;
    synchronized (this) {
      all = List.copyOf(runtimes.values());
    }
    for (AppRuntime rt : all) {
      if (!rt.app().dependsOn().contains(dependency.app().name())) {
        continue;
      }
      boolean idle;
      synchronized (rt) {
        idle = rt.state == AppRuntime.State.IDLE;
      }
      PassResult last = rt.lastResult;
      // A pass in flight may be deciding to wait right now: it gets one more pass.
      if (!idle
          || (last != null && last.status() == PassStatus.WAITING)
          || result.status() == PassStatus.SYNCED) {
        request(rt, Trigger.INTERVAL);
      }
    }
  }

  private Duration passTimeout(AppRuntime rt) {
    return rt.app().passTimeout() != null ? rt.app().passTimeout() : settings.passTimeout();
  }

  /** Runs the pass; a watchdog interrupts it after the pass timeout, and never after it ended. */
  private PassResult reconcileWithTimeout(AppRuntime rt, Trigger trigger) {
    Thread worker = Thread.currentThread();
    Object guard = new Object();
    boolean[] finished = {false};
    ScheduledFuture<?> watchdog =
        timers.schedule(
            () -> {
              synchronized (guard) {
                if (!finished[0]) {
                  LOG.warn(
                      "pass of {} exceeded {}; interrupting", rt.app().name(), passTimeout(rt));
                  worker.interrupt();
                }
              }
            },
            passTimeout(rt).toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      return reconciler.reconcile(
          rt, trigger, () -> closing || Thread.currentThread().isInterrupted(), peers);
    } finally {
      synchronized (guard) {
        finished[0] = true;
      }
      watchdog.cancel(false);
      Thread.interrupted();
    }
  }

  /** Guarded by rt: the next interval pass, or a backoff retry after a transient failure. */
  private void scheduleNext(AppRuntime rt, PassResult result) {
    boolean transientFailure = result == null || (result.failed() && result.retryable());
    if (transientFailure) {
      schedule(rt, nextBackoff(rt), Trigger.RETRY);
    } else if (result.status() == PassStatus.PROGRESSING) {
      // A wave waits for health: look again soon, not after the whole interval.
      rt.consecutiveFailures = 0;
      schedule(rt, WaveHealthGate.policyOf(rt.app()).poll().toMillis(), Trigger.INTERVAL);
    } else {
      rt.consecutiveFailures = 0;
      long interval = rt.app().interval().toMillis();
      double jitter = settings.intervalJitter() * (2 * settings.random().nextDouble() - 1);
      schedule(rt, Math.max(1, Math.round(interval * (1 + jitter))), Trigger.INTERVAL);
    }
  }

  /** Exponential backoff (x2 from the initial delay) with +-50 % jitter, capped. */
  private long nextBackoff(AppRuntime rt) {
    rt.consecutiveFailures++;
    long base = backoff.apply(rt.consecutiveFailures);
    double jitter = 0.5 * (2 * settings.random().nextDouble() - 1);
    return Math.min(Math.max(1, Math.round(base * (1 + jitter))), settings.maxBackoff().toMillis());
  }

  private void schedule(AppRuntime rt, long delayMillis, Trigger trigger) {
    if (rt.timer != null) {
      rt.timer.cancel(false);
    }
    try {
      rt.timer = timers.schedule(() -> request(rt, trigger), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.warn("cannot schedule the next pass of {}: timer service refused", rt.app().name(), e);
    }
  }

  private static List<CompletableFuture<PassResult>> takeWaiters(AppRuntime rt) {
    List<CompletableFuture<PassResult>> taken = new ArrayList<>(rt.waiters);
    rt.waiters.clear();
    return taken;
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
        LOG.debug("closing the event subscription of {} failed", rt.app().name(), e);
      }
    }
  }

  /** Waits until the runtime has no pass in flight, at most {@code timeout}. */
  private static void awaitIdle(AppRuntime rt, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (rt) {
      while (rt.state == AppRuntime.State.RUNNING) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("pass of {} still running after {}", rt.app().name(), timeout);
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(rt, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
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
      List<CompletableFuture<PassResult>> dropped;
      synchronized (rt) {
        cancelTimers(rt);
        dropped = takeWaiters(rt);
        rt.pendingTrigger = null;
        if (rt.state == AppRuntime.State.QUEUED) {
          rt.state = AppRuntime.State.IDLE;
        }
      }
      dropped.forEach(w -> w.completeExceptionally(new IllegalStateException("engine is closed")));
      closeSubscription(rt);
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
