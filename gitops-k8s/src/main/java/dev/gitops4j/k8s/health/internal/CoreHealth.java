package dev.gitops4j.k8s.health.internal;

import static dev.gitops4j.k8s.health.internal.Json.at;
import static dev.gitops4j.k8s.health.internal.Json.has;
import static dev.gitops4j.k8s.health.internal.Json.number;
import static dev.gitops4j.k8s.health.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import java.util.Optional;

/** Health of Jobs, PersistentVolumeClaims, Services, Namespaces and CustomResourceDefinitions. */
public final class CoreHealth {

  private CoreHealth() {}

  public static Health job(JsonNode job) {
    Optional<JsonNode> failed = Json.condition(job, "Failed");
    if (failed.isPresent() && "True".equals(failed.get().path("status").asText())) {
      return Health.of(HealthStatus.DEGRADED, "job failed: " + Json.describe(failed.get()));
    }
    if (Json.conditionIs(job, "Complete", "True")) {
      return Health.of(
          HealthStatus.HEALTHY,
          "job completed (" + number(job, 0, "status", "succeeded") + " succeeded)");
    }
    if (at(job, "spec", "suspend").asBoolean(false)) {
      return Health.of(HealthStatus.SUSPENDED, "job is suspended");
    }
    return Health.of(
        HealthStatus.PROGRESSING,
        number(job, 0, "status", "active")
            + " active, "
            + number(job, 0, "status", "succeeded")
            + " succeeded, "
            + number(job, 0, "status", "failed")
            + " failed");
  }

  public static Health persistentVolumeClaim(JsonNode pvc) {
    String phase = text(pvc, "status", "phase");
    switch (phase) {
      case "Bound":
        return Health.of(
            HealthStatus.HEALTHY, "bound to volume " + text(pvc, "spec", "volumeName"));
      case "Lost":
        return Health.of(HealthStatus.DEGRADED, "claim lost its volume");
      case "Pending":
      case "":
        return Health.of(HealthStatus.PROGRESSING, "claim is pending");
      default:
        return Health.of(HealthStatus.UNKNOWN, "claim phase " + phase);
    }
  }

  public static Health service(JsonNode service) {
    if (!"LoadBalancer".equals(text(service, "spec", "type"))) {
      return Health.healthy();
    }
    for (JsonNode ingress : at(service, "status", "loadBalancer", "ingress")) {
      String address = ingress.path("ip").asText("");
      if (address.isEmpty()) {
        address = ingress.path("hostname").asText("");
      }
      if (!address.isEmpty()) {
        return Health.of(HealthStatus.HEALTHY, "load balancer at " + address);
      }
    }
    return Health.of(HealthStatus.PROGRESSING, "waiting for a load balancer address");
  }

  public static Health namespace(JsonNode namespace) {
    String phase = text(namespace, "status", "phase");
    if ("Terminating".equals(phase) || has(namespace, "metadata", "deletionTimestamp")) {
      return Health.of(HealthStatus.PROGRESSING, "namespace is terminating");
    }
    return Health.of(HealthStatus.HEALTHY, phase.isEmpty() ? "" : "namespace is " + phase);
  }

  public static Health customResourceDefinition(JsonNode crd) {
    Optional<JsonNode> names = Json.condition(crd, "NamesAccepted");
    if (names.isPresent() && "False".equals(names.get().path("status").asText())) {
      return Health.of(HealthStatus.DEGRADED, "names not accepted: " + Json.describe(names.get()));
    }
    if (Json.conditionIs(crd, "Terminating", "True") || has(crd, "metadata", "deletionTimestamp")) {
      return Health.of(HealthStatus.PROGRESSING, "definition is terminating");
    }
    if (Json.conditionIs(crd, "Established", "True")) {
      return Health.of(HealthStatus.HEALTHY, "established");
    }
    return Health.of(HealthStatus.PROGRESSING, "waiting for the definition to be established");
  }
}
