package dev.gitops4j.k8s.health.internal;

import static dev.gitops4j.k8s.health.internal.Json.at;
import static dev.gitops4j.k8s.health.internal.Json.has;
import static dev.gitops4j.k8s.health.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import java.util.Optional;
import java.util.Set;

/** Health of a Pod from its phase and container states. */
public final class PodHealth {

  /** Waiting reasons that do not resolve by waiting: the pod needs a fix. */
  private static final Set<String> BROKEN =
      Set.of(
          "CrashLoopBackOff",
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private PodHealth() {}

  public static Health pod(JsonNode pod) {
    String phase = text(pod, "status", "phase");
    if ("Succeeded".equals(phase)) {
      return Health.of(HealthStatus.HEALTHY, "pod completed");
    }
    if ("Failed".equals(phase)) {
      String why = text(pod, "status", "message");
      if (why.isEmpty()) {
        why = text(pod, "status", "reason");
      }
      return Health.of(HealthStatus.DEGRADED, "pod failed" + (why.isEmpty() ? "" : ": " + why));
    }
    Optional<Health> broken = brokenContainer(pod);
    if (broken.isPresent()) {
      return broken.get();
    }
    if (has(pod, "metadata", "deletionTimestamp")) {
      return Health.of(HealthStatus.PROGRESSING, "pod is terminating");
    }
    if ("Running".equals(phase)) {
      int total = 0;
      int ready = 0;
      for (JsonNode status : at(pod, "status", "containerStatuses")) {
        total++;
        if (status.path("ready").asBoolean(false)) {
          ready++;
        }
      }
      if (total > 0 && ready == total) {
        return Health.of(HealthStatus.HEALTHY, ready + "/" + total + " containers ready");
      }
      return Health.of(HealthStatus.PROGRESSING, ready + "/" + total + " containers ready");
    }
    if ("Pending".equals(phase) || phase.isEmpty()) {
      String why =
          Json.condition(pod, "PodScheduled")
              .filter(c -> "False".equals(c.path("status").asText()))
              .map(Json::describe)
              .orElse("");
      return Health.of(
          HealthStatus.PROGRESSING, "pod is pending" + (why.isEmpty() ? "" : ": " + why));
    }
    return Health.of(HealthStatus.UNKNOWN, "pod phase " + phase);
  }

  private static Optional<Health> brokenContainer(JsonNode pod) {
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode status : at(pod, "status", list)) {
        JsonNode waiting = status.path("state").path("waiting");
        String reason = waiting.path("reason").asText("");
        if (BROKEN.contains(reason)) {
          String message = waiting.path("message").asText("");
          return Optional.of(
              Health.of(
                  HealthStatus.DEGRADED,
                  "container "
                      + status.path("name").asText("?")
                      + " "
                      + reason
                      + (message.isEmpty() ? "" : ": " + message)));
        }
      }
    }
    return Optional.empty();
  }
}
