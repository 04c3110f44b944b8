package dev.gitops4j.k8s.health.internal;

import static dev.gitops4j.k8s.health.internal.Json.at;
import static dev.gitops4j.k8s.health.internal.Json.has;
import static dev.gitops4j.k8s.health.internal.Json.number;
import static dev.gitops4j.k8s.health.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import java.util.Optional;

/**
 * Health of the apps/v1 workload controllers, following {@code kubectl rollout status}: a rollout
 * is done when the controller observed the latest spec and every replica is updated and available.
 */
public final class WorkloadHealth {

  private WorkloadHealth() {}

  /** A controller that has not yet seen the latest spec cannot report a finished rollout. */
  static Optional<Health> staleGeneration(JsonNode object, String what) {
    long generation = number(object, 0, "metadata", "generation");
    long observed = number(object, 0, "status", "observedGeneration");
    if (generation > 0 && observed < generation) {
      return Optional.of(
          Health.of(
              HealthStatus.PROGRESSING,
              "waiting for the "
                  + what
                  + " controller to observe generation "
                  + generation
                  + " (observed "
                  + observed
                  + ")"));
    }
    return Optional.empty();
  }

  public static Health deployment(JsonNode d) {
    if (at(d, "spec", "paused").asBoolean(false)) {
      return Health.of(HealthStatus.SUSPENDED, "deployment is paused");
    }
    Optional<Health> stale = staleGeneration(d, "deployment");
    if (stale.isPresent()) {
      return stale.get();
    }
    Optional<JsonNode> progressing = Json.condition(d, "Progressing");
    if (progressing.isPresent()
        && "ProgressDeadlineExceeded".equals(progressing.get().path("reason").asText())) {
      return Health.of(
          HealthStatus.DEGRADED,
          "deployment exceeded its progress deadline: "
              + progressing.get().path("message").asText(""));
    }
    long desired = number(d, 1, "spec", "replicas");
    long replicas = number(d, 0, "status", "replicas");
    long updated = number(d, 0, "status", "updatedReplicas");
    long available = number(d, 0, "status", "availableReplicas");
    if (updated < desired) {
      return Health.of(HealthStatus.PROGRESSING, updated + "/" + desired + " replicas updated");
    }
    if (replicas > updated) {
      return Health.of(
          HealthStatus.PROGRESSING, (replicas - updated) + " old replicas are pending termination");
    }
    if (available < updated) {
      return Health.of(HealthStatus.PROGRESSING, available + "/" + updated + " replicas available");
    }
    return Health.of(HealthStatus.HEALTHY, available + "/" + desired + " replicas available");
  }

  public static Health statefulSet(JsonNode s) {
    if (number(s, 0, "status", "observedGeneration") == 0) {
      return Health.of(HealthStatus.PROGRESSING, "waiting for the statefulset controller");
    }
    Optional<Health> stale = staleGeneration(s, "statefulset");
    if (stale.isPresent()) {
      return stale.get();
    }
    long desired = number(s, 1, "spec", "replicas");
    long ready = number(s, 0, "status", "readyReplicas");
    if (ready < desired) {
      return Health.of(HealthStatus.PROGRESSING, ready + "/" + desired + " replicas ready");
    }
    String strategy = text(s, "spec", "updateStrategy", "type");
    if ("OnDelete".equals(strategy)) {
      return Health.of(
          HealthStatus.HEALTHY, ready + "/" + desired + " replicas ready (OnDelete updates)");
    }
    if (has(s, "spec", "updateStrategy", "rollingUpdate", "partition")) {
      long partition = number(s, 0, "spec", "updateStrategy", "rollingUpdate", "partition");
      long expected = Math.max(0, desired - partition);
      long updated = number(s, 0, "status", "updatedReplicas");
      if (updated < expected) {
        return Health.of(
            HealthStatus.PROGRESSING,
            "partitioned rollout: " + updated + "/" + expected + " replicas updated");
      }
      if (partition > 0) {
        return Health.of(
            HealthStatus.HEALTHY, "partitioned rollout complete: " + updated + " replicas updated");
      }
    }
    String current = text(s, "status", "currentRevision");
    String update = text(s, "status", "updateRevision");
    if (!update.isEmpty() && !update.equals(current)) {
      long updated = number(s, 0, "status", "updatedReplicas");
      return Health.of(
          HealthStatus.PROGRESSING, updated + "/" + desired + " replicas at revision " + update);
    }
    return Health.of(HealthStatus.HEALTHY, ready + "/" + desired + " replicas ready");
  }

  public static Health daemonSet(JsonNode d) {
    Optional<Health> stale = staleGeneration(d, "daemonset");
    if (stale.isPresent()) {
      return stale.get();
    }
    long desired = number(d, 0, "status", "desiredNumberScheduled");
    long available = number(d, 0, "status", "numberAvailable");
    if ("OnDelete".equals(text(d, "spec", "updateStrategy", "type"))) {
      return Health.of(
          HealthStatus.HEALTHY, available + "/" + desired + " pods available (OnDelete updates)");
    }
    long updated = number(d, 0, "status", "updatedNumberScheduled");
    if (updated < desired) {
      return Health.of(HealthStatus.PROGRESSING, updated + "/" + desired + " pods updated");
    }
    if (available < desired) {
      return Health.of(HealthStatus.PROGRESSING, available + "/" + desired + " pods available");
    }
    return Health.of(HealthStatus.HEALTHY, available + "/" + desired + " pods available");
  }

  public static Health replicaSet(JsonNode r) {
    Optional<Health> stale = staleGeneration(r, "replicaset");
    if (stale.isPresent()) {
      return stale.get();
    }
    Optional<JsonNode> failure = Json.condition(r, "ReplicaFailure");
    if (failure.isPresent() && "True".equals(failure.get().path("status").asText())) {
      return Health.of(HealthStatus.DEGRADED, Json.describe(failure.get()));
    }
    long desired = number(r, 1, "spec", "replicas");
    long available = number(r, 0, "status", "availableReplicas");
    if (available < desired) {
      return Health.of(HealthStatus.PROGRESSING, available + "/" + desired + " replicas available");
    }
    return Health.of(HealthStatus.HEALTHY, available + "/" + desired + " replicas available");
  }
}
