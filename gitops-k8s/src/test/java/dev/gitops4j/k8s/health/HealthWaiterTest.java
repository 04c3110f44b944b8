package dev.gitops4j.k8s.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthWaiterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResourceId WEB = ResourceId.of("apps/Deployment", "shop", "web");
  private static final ResourceId MIGRATE = ResourceId.of("batch/Job", "shop", "migrate");

  private final ManualClock clock = ManualClock.create();
  private final List<Duration> sleeps = new ArrayList<>();
  private final Map<ResourceId, JsonNode> cluster = new HashMap<>();

  private HealthWaiter waiter(Duration timeout, Runnable onSleep) {
    return HealthWaiter.custom()
        .timeout(timeout)
        .pollInterval(Duration.ofSeconds(2))
        .clock(clock)
        .sleeper(
            d -> {
              sleeps.add(d);
              clock.advance(d);
              onSleep.run();
            })
        .build();
  }

  private Optional<LiveResource> observe(ResourceId id) {
    return Optional.ofNullable(cluster.get(id)).map(body -> new LiveResource(id, body, "1", true));
  }

  private static JsonNode deployment(int available) {
    ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "web").put("generation", 1);
    d.putObject("spec").put("replicas", 3);
    d.putObject("status")
        .put("observedGeneration", 1)
        .put("replicas", 3)
        .put("updatedReplicas", 3)
        .put("availableReplicas", available);
    return d;
  }

  private static JsonNode job(String condition) {
    ObjectNode j = JSON.createObjectNode().put("apiVersion", "batch/v1").put("kind", "Job");
    j.putObject("metadata").put("name", "migrate");
    ObjectNode status = j.putObject("status");
    if (condition != null) {
      status.putArray("conditions").addObject().put("type", condition).put("status", "True");
    }
    return j;
  }

  @Test
  void returnsOnceEverythingIsHealthy() throws InterruptedException {
    cluster.put(WEB, deployment(1));
    cluster.put(MIGRATE, job(null));
    int[] polls = {0};
    HealthWaiter waiter =
        waiter(
            Duration.ofMinutes(1),
            () -> {
              polls[0]++;
              cluster.put(WEB, deployment(Math.min(3, 1 + polls[0])));
              if (polls[0] == 3) {
                cluster.put(MIGRATE, job("Complete"));
              }
            });

    HealthWaiter.Result result = waiter.await(Set.of(WEB, MIGRATE), this::observe);

    assertThat(result.healthy()).isTrue();
    assertThat(result.timedOut()).isFalse();
    assertThat(result.polls()).isEqualTo(4);
    assertThat(result.worst()).isEmpty();
    assertThat(result.resources().get(WEB).message()).isEqualTo("3/3 replicas available");
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void timesOutWithTheWorstObject() throws InterruptedException {
    cluster.put(WEB, deployment(2));
    cluster.put(MIGRATE, job("Complete"));

    HealthWaiter.Result result =
        waiter(Duration.ofSeconds(5), () -> {}).await(Set.of(WEB, MIGRATE), this::observe);

    assertThat(result.timedOut()).isTrue();
    assertThat(result.health().status()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(result.worst()).contains(WEB);
    assertThat(result.describe())
        .contains("apps/Deployment shop/web")
        .contains("2/3 replicas available");
    // never sleeps past the deadline: 2 s, 2 s, then the 1 s left
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
  }

  @Test
  void missingAndFailingObservationsAreReported() {
    cluster.put(WEB, deployment(3));
    ResourceId broken = ResourceId.of("v1/ConfigMap", "shop", "unreadable");
    HealthWaiter.Result result =
        waiter(Duration.ofSeconds(5), () -> {})
            .assess(
                Set.of(WEB, MIGRATE, broken),
                id -> {
                  if (id.equals(broken)) {
                    throw new IllegalStateException("forbidden");
                  }
                  return observe(id);
                });

    assertThat(result.resources().get(MIGRATE).status()).isEqualTo(HealthStatus.MISSING);
    assertThat(result.resources().get(broken).status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(result.resources().get(broken).message()).contains("forbidden");
    assertThat(result.health().status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(result.worst()).contains(broken);
  }

  @Test
  void failFastStopsAtTheFirstDegradedPoll() throws InterruptedException {
    cluster.put(WEB, deployment(3));
    cluster.put(MIGRATE, job("Failed"));
    HealthWaiter waiter =
        HealthWaiter.custom()
            .timeout(Duration.ofMinutes(1))
            .clock(clock)
            .sleeper(
                d -> {
                  throw new AssertionError("must not wait");
                })
            .failFast(true)
            .build();

    HealthWaiter.Result result = waiter.await(Set.of(WEB, MIGRATE), this::observe);

    assertThat(result.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(result.worst()).contains(MIGRATE);
    assertThat(result.timedOut()).isFalse();
  }
}
