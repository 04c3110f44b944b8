package dev.gitops4j.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told to; share it with a {@link ManualScheduler}. */
public final class ManualClock extends Clock {

  private volatile Instant now;

  public ManualClock(Instant start) {
    this.now = start;
  }

  /** A clock at 2030-01-01T00:00:00Z. */
  public static ManualClock create() {
    return new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /** Moves the clock forward. */
  public synchronized void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time only moves forward");
    }
    now = now.plus(duration);
  }

  synchronized void set(Instant instant) {
    now = instant;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("ManualClock is always UTC");
  }

  @Override
  public Instant instant() {
    return now;
  }
}
