package dev.gitops4j.metrics;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.model.StepResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes engine activity to a Micrometer registry. Register it with {@code
 * Engine.builder().listener(new MicrometerListener(registry))}; Micrometer is an optional
 * dependency needed only when this class is used.
 *
 * <ul>
 *   <li>{@code gitops4j.passes} (counter; application, status)
 *   <li>{@code gitops4j.pass.duration} (timer; application)
 *   <li>{@code gitops4j.drifted.resources} (gauge; application): resources out of sync at the last
 *       pass
 *   <li>{@code gitops4j.changes.applied} (counter; application, action)
 *   <li>{@code gitops4j.changes.failed} (counter; application, action)
 *   <li>{@code gitops4j.last.success} (gauge; application): epoch seconds of the last pass that
 *       ended in sync
 * </ul>
 */
public final class MicrometerListener implements ReconcileListener {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> drifted = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  // MeterRegistry comes from the optional micrometer.core, which callers of this constructor read.
  @SuppressWarnings("exports")
  public MicrometerListener(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void passFinished(PassResult result) {
    String app = result.application();
    Counter.builder("gitops4j.passes")
        .tag("application", app)
        .tag("status", result.status().name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
    Timer.builder("gitops4j.pass.duration")
        .tag("application", app)
        .register(registry)
        .record(result.duration());
    Optional.ofNullable(result.drift())
        .ifPresent(
            report -> {
              long outOfSync = report.drifts().stream().filter(d -> !d.isInSync()).count();
              boolean healed = result.status() == PassStatus.SYNCED;
              gauge(drifted, "gitops4j.drifted.resources", app).set(healed ? 0 : outOfSync);
            });
    if (result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC) {
      gauge(lastSuccess, "gitops4j.last.success", app)
          .set(result.started().plus(result.duration()).getEpochSecond());
    }
  }

  @Override
  public void changeApplied(String application, StepResult result) {
    counter("gitops4j.changes.applied", application, result).increment();
  }

  @Override
  public void changeFailed(String application, StepResult result) {
    counter("gitops4j.changes.failed", application, result).increment();
  }

  private Counter counter(String name, String application, StepResult result) {
    return Counter.builder(name)
        .tag("application", application)
        .tag("action", result.step().action().name().toLowerCase(Locale.ROOT))
        .register(registry);
  }

  private AtomicLong gauge(Map<String, AtomicLong> values, String name, String application) {
    return values.computeIfAbsent(
        application,
        app -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get).tag("application", app).register(registry);
          return value;
        });
  }
}
