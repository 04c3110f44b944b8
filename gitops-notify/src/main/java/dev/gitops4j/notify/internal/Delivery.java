package dev.gitops4j.notify.internal;

import dev.gitops4j.notify.Notification;
import dev.gitops4j.notify.Notifier;
import dev.gitops4j.notify.NotifierException;
import dev.gitops4j.notify.Subscription;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One notifier's bounded queue and its own delivery thread, so a slow receiver delays only itself:
 * {@link #offer} never blocks, a full queue drops the notification.
 */
public final class Delivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  /** Retry settings shared by all deliveries. */
  public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {}

  private final Notifier notifier;
  private final Subscription subscription;
  private final BlockingQueue<Notification> queue;
  private final RateLimiter rateLimiter;
  private final Retry retry;
  private final Thread worker;
  private final AtomicLong unfinished = new AtomicLong();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong rateLimited = new AtomicLong();
  private volatile boolean closed;

  public Delivery(
      Notifier notifier, Subscription subscription, int capacity, RetrySettings settings) {
    this.notifier = notifier;
    this.subscription = subscription;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.rateLimiter =
        RateLimiter.of(
            notifier.name(),
            RateLimiterConfig.custom()
                .limitForPeriod(subscription.limit())
                .limitRefreshPeriod(subscription.period())
                .timeoutDuration(Duration.ZERO)
                .build());
    this.retry =
        Retry.of(
            notifier.name(),
            RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        settings.initialBackoff(), 2.0, 0.5, settings.maxBackoff()))
                .retryOnException(e -> !(e instanceof NotifierException n) || n.isRetryable())
                .build());
    this.worker = new Thread(this::run, "gitops4j-notify-" + notifier.name());
    worker.setDaemon(true);
    worker.start();
  }

  public String name() {
    return notifier.name();
  }

  /** Queues {@code n} if subscribed and within the rate limit; never blocks. */
  public void offer(Notification n) {
    if (closed || !subscription.matches(n)) {
      return;
    }
    if (!rateLimiter.acquirePermission()) {
      rateLimited.incrementAndGet();
      LOG.debug("{}: rate limit reached, dropped {}", name(), n.event());
      return;
    }
    unfinished.incrementAndGet();
    if (!queue.offer(n)) {
      finished();
      dropped.incrementAndGet();
      LOG.warn("{}: queue full, dropped {} of {}", name(), n.event(), n.application());
    }
  }

  /** Queued or in-flight notifications. */
  public long unfinished() {
    return unfinished.get();
  }

  private void finished() {
    if (unfinished.decrementAndGet() == 0) {
      synchronized (unfinished) {
        unfinished.notifyAll();
      }
    }
  }

  /**
   * Waits until nothing is queued or in flight, at most until {@code deadline} ({@link
   * System#nanoTime()}); false when the deadline came first.
   */
  public boolean awaitIdle(long deadline) throws InterruptedException {
    synchronized (unfinished) {
      while (unfinished.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(unfinished, left);
      }
      return true;
    }
  }

  public long[] counts() {
    return new long[] {delivered.get(), failed.get(), dropped.get(), rateLimited.get()};
  }

  private void run() {
    while (!closed || !queue.isEmpty()) {
      Notification n;
      try {
        n = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (n == null) {
        continue;
      }
      try {
        Retry.decorateCheckedRunnable(retry, () -> notifier.send(n)).run();
        delivered.incrementAndGet();
      } catch (Throwable e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failed.incrementAndGet();
        // Messages of the built-in notifiers name the host, never the URL path or a token.
        LOG.warn(
            "{}: could not deliver {} of {}: {}", name(), n.event(), n.application(), e.toString());
      } finally {
        finished();
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  /** Delivers what is queued for up to {@code grace}, then stops. */
  public void close(Duration grace) {
    closed = true;
    try {
      worker.join(Math.max(1, grace.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      worker.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
