package dev.gitops4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerListenerTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerListener listener = new MicrometerListener(registry);
  private final DesiredResource desired =
      new DesiredResource(
          ResourceId.of("ConfigMap", "shop", "a"),
          JsonNodeFactory.instance.objectNode(),
          Origin.of("a.yaml", 1),
          "rev");

  private PassResult result(PassStatus status, DriftReport drift, Instant started) {
    return new PassResult(
        "shop",
        Trigger.INTERVAL,
        status,
        "rev",
        null,
        drift,
        null,
        "",
        List.of(),
        Health.healthy(),
        "",
        false,
        started,
        Duration.ofMillis(250));
  }

  @Test
  void countsPassesAndRecordsDurationDriftAndLastSuccess() {
    DriftReport drifted = new DriftReport("rev", List.of(Drift.missing(desired)));
    Instant started = Instant.parse("2030-01-01T00:00:00Z");

    listener.passFinished(result(PassStatus.OUT_OF_SYNC, drifted, started));
    assertThat(
            registry.get("gitops4j.drifted.resources").tag("application", "shop").gauge().value())
        .isEqualTo(1);
    assertThat(registry.find("gitops4j.last.success").gauge()).isNull();

    listener.passFinished(result(PassStatus.SYNCED, drifted, started.plusSeconds(60)));

    assertThat(
            registry
                .get("gitops4j.passes")
                .tags("application", "shop", "status", "out_of_sync")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("gitops4j.passes")
                .tags("application", "shop", "status", "synced")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("gitops4j.pass.duration").timer().count()).isEqualTo(2);
    assertThat(registry.get("gitops4j.drifted.resources").gauge().value()).isZero();
    assertThat(registry.get("gitops4j.last.success").gauge().value())
        .isEqualTo(started.plusSeconds(60).getEpochSecond());
  }

  @Test
  void countsAppliedAndFailedChangesByAction() {
    Step create = new Step(Step.Action.CREATE, desired.id(), desired, null, List.of());
    listener.changeApplied(
        "shop", new StepResult(create, StepResult.Outcome.APPLIED, "", Duration.ZERO));
    listener.changeApplied(
        "shop", new StepResult(create, StepResult.Outcome.APPLIED, "", Duration.ZERO));
    listener.changeFailed(
        "shop", new StepResult(create, StepResult.Outcome.FAILED, "boom", Duration.ZERO));

    assertThat(registry.get("gitops4j.changes.applied").tags("action", "create").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("gitops4j.changes.failed").tags("action", "create").counter().count())
        .isEqualTo(1);
  }
}
