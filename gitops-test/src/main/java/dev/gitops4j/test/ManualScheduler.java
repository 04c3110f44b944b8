package dev.gitops4j.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduled executor driven by a {@link ManualClock}: tasks run only when the test calls {@link
 * #advance(Duration)}, in due order, on the calling thread. Lets tests check intervals, backoff and
 * debounce without waiting.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.create();
 * ManualScheduler timers = new ManualScheduler(clock);
 * Engine engine = Engine.builder().clock(clock).scheduler(timers)...build();
 * timers.advance(Duration.ofMinutes(3)); // runs the interval pass trigger
 * }</pre>
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {

  private final ManualClock clock;
  private final PriorityQueue<Task<?>> queue =
      new PriorityQueue<>(
          Comparator.comparing((Task<?> t) -> t.due).thenComparingLong(t -> t.sequence));
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean shutdown;

  public ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  /** Moves the clock forward by {@code duration}, running every task that falls due on the way. */
  public void advance(Duration duration) {
    Instant end = clock.instant().plus(duration);
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due.isAfter(end)) {
          break;
        }
        queue.poll();
      }
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      next.run();
      if (next.period != null && !next.isCancelled()) {
        next.due = next.due.plus(next.period);
        synchronized (this) {
          queue.add(next);
        }
      }
    }
    if (end.isAfter(clock.instant())) {
      clock.set(end);
    }
  }

  /** Runs the tasks due now without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Delays of the pending tasks from now, soonest first. */
  public synchronized List<Duration> pendingDelays() {
    List<Duration> delays = new ArrayList<>();
    queue.stream()
        .filter(task -> !task.isCancelled())
        .sorted(queue.comparator())
        .forEach(task -> delays.add(Duration.between(clock.instant(), task.due)));
    return delays;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(
        new Task<Object>(
            () -> {
              command.run();
              return null;
            },
            due(delay, unit),
            null));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(new Task<>(callable, due(delay, unit), null));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return periodic(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return periodic(command, initialDelay, delay, unit);
  }

  private ScheduledFuture<?> periodic(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive");
    }
    return add(
        new Task<Object>(
            () -> {
              command.run();
              return null;
            },
            due(initialDelay, unit),
            Duration.ofNanos(unit.toNanos(period))));
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.MILLISECONDS);
  }

  private Instant due(long delay, TimeUnit unit) {
    return clock.instant().plusNanos(unit.toNanos(Math.max(0, delay)));
  }

  private synchronized <V> Task<V> add(Task<V> task) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("scheduler is shut down");
    }
    task.sequence = sequence.incrementAndGet();
    queue.add(task);
    return task;
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = new ArrayList<>(queue);
    queue.clear();
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    volatile Instant due;
    final Duration period;
    long sequence;

    Task(Callable<V> callable, Instant due, Duration period) {
      super(callable);
      this.due = due;
      this.period = period;
    }

    @Override
    public void run() {
      if (period == null) {
        super.run();
      } else {
        super.runAndReset();
      }
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      boolean cancelled = super.cancel(mayInterrupt);
      synchronized (ManualScheduler.this) {
        queue.remove(this);
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due).toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public V get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      if (!isDone()) {
        throw new TimeoutException("task is due at " + due + "; advance the clock");
      }
      return super.get();
    }
  }
}
