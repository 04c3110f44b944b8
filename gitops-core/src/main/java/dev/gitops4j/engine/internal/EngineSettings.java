package dev.gitops4j.engine.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Engine settings, as set on {@code Engine.Builder}.
 *
 * @param maxConcurrentPasses passes running at once across applications
 * @param stepParallelism steps of one wave running at once
 * @param passTimeout a pass still running after this is interrupted
 * @param initialBackoff first retry delay after a transient failure
 * @param maxBackoff cap of the retry delay
 * @param intervalJitter fraction of the interval added or removed at random
 * @param eventDebounce quiet time before target events trigger a pass
 * @param shutdownGrace how long close() waits for passes in flight
 * @param random source of jitter
 * @param circuitOpen how long a target endpoint's circuit breaker stays open before it lets a trial
 *     call through
 */
public record EngineSettings(
    int maxConcurrentPasses,
    int stepParallelism,
    Duration passTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    double intervalJitter,
    Duration eventDebounce,
    Duration shutdownGrace,
    RandomGenerator random,
    Duration circuitOpen) {}
