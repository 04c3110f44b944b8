package dev.gitops4j.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Health-gated waves: a wave is written only when every resource of the earlier waves (by their
 * explicit wave number, the target's wave field) is healthy. Until then the pass stops before the
 * wave with status {@code PROGRESSING}, saying what it waits for, and the next pass follows after
 * the poll interval: no thread waits. Resources the pass just wrote are observed again first, so
 * quick resources (a ConfigMap) do not cost a pass each.
 *
 * <p>A resource that turns {@code DEGRADED} stops the pass ({@code FAILED}, retried with backoff)
 * unless {@link #continueWhenDegraded()}; waiting longer than the timeout for one revision fails it
 * until the revision changes or a sync is requested.
 */
public final class WaveHealth {

  private final Duration timeout;
  private final Duration poll;
  private final boolean continueWhenDegraded;

  private WaveHealth(Duration timeout, Duration poll, boolean continueWhenDegraded) {
    this.timeout = positive(timeout, "timeout");
    this.poll = positive(poll, "poll");
    this.continueWhenDegraded = continueWhenDegraded;
  }

  /** Waves wait for the earlier ones to be healthy, at most {@code timeout} per revision. */
  public static WaveHealth required(Duration timeout) {
    return new WaveHealth(timeout, Duration.ofSeconds(5), false);
  }

  /** The same, with the time between passes while a wave waits; default 5 s. */
  public WaveHealth poll(Duration poll) {
    return new WaveHealth(timeout, poll, continueWhenDegraded);
  }

  /** The same, except that a degraded earlier resource is logged and the next wave goes ahead. */
  public WaveHealth continueWhenDegraded() {
    return new WaveHealth(timeout, poll, true);
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration poll() {
    return poll;
  }

  public boolean isContinueWhenDegraded() {
    return continueWhenDegraded;
  }

  private static Duration positive(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("wave health " + what + " must be positive, got " + value);
    }
    return value;
  }
}
