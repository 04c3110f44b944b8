package dev.gitops4j.notify;

import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.notify.internal.Deduplicator;
import dev.gitops4j.notify.internal.Delivery;
import dev.gitops4j.notify.internal.PassEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends notifications about reconcile passes. Register it on the engine as a listener:
 *
 * <pre>{@code
 * Notifications notifications = Notifications.builder()
 *     .notifier(SlackNotifier.create(Secret.fromEnv("SLACK_WEBHOOK_URL")),
 *         Subscription.custom().events(Event.SYNC_FAILED, Event.DRIFT_FOUND).build())
 *     .build();
 * Engine engine = Engine.builder().listener(notifications)...build();
 * }</pre>
 *
 * <p>The listener callbacks only map the event, drop a repeat ({@link Event}), and put the
 * notification on each subscribed notifier's bounded queue; every notifier delivers from its own
 * thread with retries and backoff. A slow or failing receiver never delays or fails a pass: when
 * its queue is full, further notifications for it are dropped and counted. Delivery is at most once
 * per accepted notification, retried on failure up to the configured attempts.
 *
 * <p>{@link #close()} delivers what is queued for a short grace, then stops.
 */
public final class Notifications implements ReconcileListener, AutoCloseable {

  private final PassEvents events;
  private final Deduplicator dedup = new Deduplicator();
  private final List<Delivery> deliveries;
  private final AtomicLong duplicates = new AtomicLong();
  private final Duration closeGrace;

  /**
   * Counters of one notifier.
   *
   * @param notifier the notifier's name
   * @param delivered notifications delivered (possibly after retries)
   * @param failed notifications given up after the last attempt or a non-retryable error
   * @param dropped notifications dropped because the queue was full
   * @param rateLimited notifications dropped by the rate limit
   * @param queued notifications queued or in flight now
   */
  public record Stats(
      String notifier, long delivered, long failed, long dropped, long rateLimited, long queued) {}

  private Notifications(Builder b) {
    this.closeGrace = b.closeGrace;
    Delivery.RetrySettings retry =
        new Delivery.RetrySettings(b.maxAttempts, b.initialBackoff, b.maxBackoff);
    List<Delivery> list = new ArrayList<>();
    for (int i = 0; i < b.notifiers.size(); i++) {
      list.add(new Delivery(b.notifiers.get(i), b.subscriptions.get(i), b.queueCapacity, retry));
    }
    this.deliveries = List.copyOf(list);
    this.events = new PassEvents(b.clock, this::dispatch);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Sends {@code n} to every subscribed notifier unless it repeats the last one of its kind. */
  public void dispatch(Notification n) {
    Objects.requireNonNull(n, "notification");
    if (!dedup.admit(n)) {
      duplicates.incrementAndGet();
      return;
    }
    for (Delivery delivery : deliveries) {
      delivery.offer(n);
    }
  }

  /** Notifications dropped as repeats. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Counters per notifier, in registration order. */
  public List<Stats> stats() {
    return deliveries.stream()
        .map(
            d -> {
              long[] c = d.counts();
              return new Stats(d.name(), c[0], c[1], c[2], c[3], d.unfinished());
            })
        .toList();
  }

  /** Waits until nothing is queued or in flight; false when {@code timeout} passed first. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Delivery delivery : deliveries) {
      if (!delivery.awaitIdle(deadline)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void passStarted(String application, Trigger trigger) {
    events.passStarted(application, trigger);
  }

  @Override
  public void driftFound(String application, DriftReport report) {
    events.driftFound(application, report);
  }

  @Override
  public void syncStarting(String application, String revision, Plan plan) {
    events.syncStarting(application, revision, plan);
  }

  @Override
  public void healthChanged(String application, Health previous, Health current) {
    events.healthChanged(application, previous, current);
  }

  @Override
  public void approvalNeeded(ApprovalRequest request) {
    events.approvalNeeded(request);
  }

  @Override
  public void passFinished(PassResult result) {
    events.passFinished(result);
  }

  @Override
  public void close() {
    for (Delivery delivery : deliveries) {
      delivery.close(closeGrace);
    }
  }

  /** Builds {@link Notifications}; checks values as they are set. */
  public static final class Builder {
    private final List<Notifier> notifiers = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private int queueCapacity = 1000;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(1);
    private Duration closeGrace = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Adds a notifier receiving every event ({@link Subscription#ofDefaults()}). */
    public Builder notifier(Notifier notifier) {
      return notifier(notifier, Subscription.ofDefaults());
    }

    public Builder notifier(Notifier notifier, Subscription subscription) {
      notifiers.add(Objects.requireNonNull(notifier, "notifier"));
      subscriptions.add(Objects.requireNonNull(subscription, "subscription"));
      return this;
    }

    /** Notifications each notifier may hold before new ones are dropped; default 1000. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queue capacity must be at least 1, was " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * Attempts per notification (first one included) and the exponential backoff between them, with
     * jitter; default 5 attempts from 1 s up to 1 min.
     */
    public Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("max attempts must be at least 1, was " + maxAttempts);
      }
      if (initialBackoff.isNegative()
          || initialBackoff.isZero()
          || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "backoff needs 0 < initial <= max, was " + initialBackoff + " and " + maxBackoff);
      }
      this.maxAttempts = maxAttempts;
      this.initialBackoff = initialBackoff;
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** How long {@link #close()} keeps delivering what is queued; default 5 s. */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Clock for notification times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Notifications build() {
      if (notifiers.isEmpty()) {
        throw new IllegalStateException("no notifier registered");
      }
      return new Notifications(this);
    }
  }
}
