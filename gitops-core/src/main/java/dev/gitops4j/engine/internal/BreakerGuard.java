package dev.gitops4j.engine.internal;

import dev.gitops4j.model.TargetException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Calls into a target through the circuit breaker of its endpoint, so that a failing endpoint is
 * left alone for a while instead of being hammered by every application that uses it.
 */
public final class BreakerGuard {

  /** A call into the target. */
  interface TargetCall<T> {
    T call() throws TargetException;
  }

  private final CircuitBreaker breaker;

  BreakerGuard(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  /**
   * One breaker per endpoint: opens at 50 % transient failures over the last 10 calls (at least 5),
   * stays open for {@code openFor}; non-retryable failures are answers, not endpoint trouble.
   */
  public static CircuitBreakerRegistry registry(Duration openFor) {
    return CircuitBreakerRegistry.of(
        CircuitBreakerConfig.custom()
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(openFor)
            .recordException(
                error -> error instanceof TargetException target && target.isRetryable())
            .build());
  }

  /** Runs the call; its success or failure counts towards the breaker. */
  <T> T call(String what, TargetCall<T> call) throws TargetException {
    try {
      return breaker.executeCheckedSupplier(call::call);
    } catch (CallNotPermittedException e) {
      throw open(what, e);
    } catch (TargetException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new TargetException(what + " failed: " + e, true, e);
    }
  }

  /**
   * Like {@link #call}, but only a failure is recorded: opening a session and validating are often
   * no calls at all, and counting them as successes would hide a failing endpoint.
   */
  <T> T callCountingFailures(String what, TargetCall<T> call) throws TargetException {
    if (!breaker.tryAcquirePermission()) {
      throw open(what, null);
    }
    long started = System.nanoTime();
    try {
      T result = call.call();
      breaker.releasePermission();
      return result;
    } catch (TargetException | RuntimeException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  private TargetException open(String what, Exception cause) {
    return new TargetException(
        "circuit breaker open for " + breaker.getName() + "; " + what + " not attempted",
        true,
        cause);
  }
}
