package dev.gitops4j.k8s.health;

import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Waits until a set of objects is healthy or a timeout elapses, the way {@code kubectl rollout
 * status} / {@code kubectl wait} do for one object.
 *
 * <p>Each poll observes every object through the function it is given (a missing object counts as
 * {@link HealthStatus#MISSING}, a failing observation as {@link HealthStatus#UNKNOWN}), assesses it
 * with the configured checks and aggregates to the worst status. Time comes from an injectable
 * {@link Clock} and pauses go through a {@link Sleeper}, so tests run without waiting.
 *
 * <pre>{@code
 * HealthWaiter.Result result =
 *     HealthWaiter.custom().timeout(Duration.ofMinutes(2)).build()
 *         .await(ids, id -> Optional.ofNullable(read(id)));
 * if (!result.healthy()) throw new IllegalStateException(result.describe());
 * }</pre>
 */
public final class HealthWaiter {

  /** Pauses between polls; tests pass one that advances a manual clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * Outcome of a wait.
   *
   * @param health worst status over all objects, with the worst object's message
   * @param worst the object with the worst status; empty when there are no objects or all are
   *     healthy
   * @param resources health of each object at the last poll, in id order
   * @param timedOut true when the timeout elapsed before the objects became healthy
   * @param polls number of polls made
   */
  public record Result(
      Health health,
      Optional<ResourceId> worst,
      Map<ResourceId, Health> resources,
      boolean timedOut,
      int polls) {

    public Result {
      Objects.requireNonNull(health, "health");
      Objects.requireNonNull(worst, "worst");
      resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    }

    public boolean healthy() {
      return health.status() == HealthStatus.HEALTHY;
    }

    /** e.g. {@code PROGRESSING: apps/Deployment shop/web: 1/3 replicas available}. */
    public String describe() {
      return health.status()
          + worst.map(id -> ": " + id).orElse("")
          + (health.message().isEmpty() ? "" : ": " + health.message())
          + (timedOut ? " (timed out after " + polls + " polls)" : "");
    }
  }

  private final List<HealthCheck> checks;
  private final Duration timeout;
  private final Duration pollInterval;
  private final Clock clock;
  private final Sleeper sleeper;
  private final boolean failFast;

  private HealthWaiter(Builder builder) {
    this.checks = List.copyOf(builder.checks);
    this.timeout = builder.timeout;
    this.pollInterval = builder.pollInterval;
    this.clock = builder.clock;
    this.sleeper = builder.sleeper;
    this.failFast = builder.failFast;
  }

  /** Built-in checks, 5 minute timeout, 2 second polls, system clock. */
  public static HealthWaiter ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /**
   * Polls until every object in {@code ids} is healthy, the timeout elapses or (with {@link
   * Builder#failFast(boolean)}) one is degraded.
   *
   * @param observe reads one object's live state; empty when it does not exist
   * @throws InterruptedException when interrupted while pausing between polls
   */
  public Result await(
      Collection<ResourceId> ids, Function<ResourceId, Optional<LiveResource>> observe)
      throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    int polls = 0;
    while (true) {
      Result result = poll(ids, observe, ++polls, false);
      if (result.healthy() || failFast && result.health().status() == HealthStatus.DEGRADED) {
        return result;
      }
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.isNegative() || remaining.isZero()) {
        return new Result(result.health(), result.worst(), result.resources(), true, polls);
      }
      sleeper.sleep(remaining.compareTo(pollInterval) < 0 ? remaining : pollInterval);
    }
  }

  /** One poll, without waiting. */
  public Result assess(
      Collection<ResourceId> ids, Function<ResourceId, Optional<LiveResource>> observe) {
    return poll(ids, observe, 1, false);
  }

  private Result poll(
      Collection<ResourceId> ids,
      Function<ResourceId, Optional<LiveResource>> observe,
      int polls,
      boolean timedOut) {
    Map<ResourceId, Health> each = new LinkedHashMap<>();
    HealthStatus worstStatus = HealthStatus.HEALTHY;
    Health worstHealth = Health.healthy();
    ResourceId worstId = null;
    for (ResourceId id : new TreeSet<>(ids)) {
      Health health = assessOne(id, observe);
      each.put(id, health);
      if (health.status().isWorseThan(worstStatus)) {
        worstStatus = health.status();
        worstHealth = health;
        worstId = id;
      }
    }
    return new Result(worstHealth, Optional.ofNullable(worstId), each, timedOut, polls);
  }

  private Health assessOne(ResourceId id, Function<ResourceId, Optional<LiveResource>> observe) {
    Optional<LiveResource> live;
    try {
      live = observe.apply(id);
    } catch (RuntimeException e) {
      return Health.of(HealthStatus.UNKNOWN, "cannot observe: " + e.getMessage());
    }
    if (live == null || live.isEmpty()) {
      return Health.of(HealthStatus.MISSING, "not found");
    }
    for (HealthCheck check : checks) {
      try {
        Optional<Health> health = check.assess(live.get());
        if (health.isPresent()) {
          return health.get();
        }
      } catch (RuntimeException e) {
        return Health.of(HealthStatus.UNKNOWN, "health check failed: " + e);
      }
    }
    return Health.healthy();
  }

  /** Builder for {@link HealthWaiter}. */
  public static final class Builder {
    private List<HealthCheck> checks = KubernetesHealthChecks.all();
    private Duration timeout = Duration.ofMinutes(5);
    private Duration pollInterval = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());
    private boolean failFast;

    private Builder() {}

    /** Checks asked in order, first answer wins; default {@link KubernetesHealthChecks#all()}. */
    public Builder checks(List<? extends HealthCheck> checks) {
      Objects.requireNonNull(checks, "checks");
      this.checks = List.copyOf(checks);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Stop as soon as one object is degraded instead of waiting for the timeout. */
    public Builder failFast(boolean failFast) {
      this.failFast = failFast;
      return this;
    }

    public HealthWaiter build() {
      return new HealthWaiter(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
