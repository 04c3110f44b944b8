package dev.gitops4j.notify;

import dev.gitops4j.notify.internal.Glob;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which notifications one notifier receives, and how many.
 *
 * @param events the events it receives
 * @param applications glob patterns ({@code *} any characters, {@code ?} one) of the applications
 *     it receives; empty means all
 * @param limit at most this many notifications per {@code period}; the rest are dropped and counted
 * @param period the rate limit's window
 */
public record Subscription(
    Set<Event> events, List<String> applications, int limit, Duration period) {

  public Subscription {
    events = Set.copyOf(events);
    applications = List.copyOf(applications);
    applications.forEach(Glob::check);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs at least one event");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
  }

  /** Every event of every application, at most 60 a minute. */
  public static Subscription ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Whether {@code notification} is for this subscriber (rate limit aside). */
  public boolean matches(Notification notification) {
    return events.contains(notification.event())
        && (applications.isEmpty()
            || applications.stream().anyMatch(g -> Glob.matches(g, notification.application())));
  }

  /** Builds a {@link Subscription}; unset values keep the defaults of {@link #ofDefaults()}. */
  public static final class Builder {
    private Set<Event> events = EnumSet.allOf(Event.class);
    private List<String> applications = List.of();
    private int limit = 60;
    private Duration period = Duration.ofMinutes(1);

    private Builder() {}

    public Builder events(Event first, Event... more) {
      this.events = EnumSet.of(first, more);
      return this;
    }

    public Builder applications(String... globs) {
      this.applications = List.of(globs);
      return this;
    }

    public Builder rateLimit(int limit, Duration period) {
      this.limit = limit;
      this.period = period;
      return this;
    }

    public Subscription build() {
      return new Subscription(events, applications, limit, period);
    }
  }
}
