package dev.gitops4j.k8s.health.internal;

import static dev.gitops4j.k8s.health.internal.Json.has;
import static dev.gitops4j.k8s.health.internal.Json.number;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Health of any object that follows the Kubernetes API conventions: {@code status.conditions} with
 * {@code Ready} (plus the kstatus {@code Reconciling} / {@code Stalled} pair) and {@code
 * status.observedGeneration} against {@code metadata.generation}.
 */
public final class ConditionsHealth {

  /** Reasons of a {@code Ready=False} condition that mean "not yet", not "broken". */
  private static final Set<String> IN_PROGRESS =
      Set.of(
          "progressing",
          "reconciling",
          "inprogress",
          "pending",
          "creating",
          "updating",
          "provisioning",
          "initializing",
          "waiting",
          "deploying",
          "scaling",
          "starting",
          "dependencynotready");

  private ConditionsHealth() {}

  /** Empty when the object carries none of the signals this check reads. */
  public static Optional<Health> assess(JsonNode object) {
    long generation = number(object, 0, "metadata", "generation");
    if (has(object, "status", "observedGeneration")) {
      long observed = number(object, 0, "status", "observedGeneration");
      if (observed < generation) {
        return Optional.of(stale(generation, observed));
      }
    }
    Optional<JsonNode> stalled = Json.condition(object, "Stalled");
    if (stalled.isPresent() && "True".equals(stalled.get().path("status").asText())) {
      return Optional.of(Health.of(HealthStatus.DEGRADED, Json.describe(stalled.get())));
    }
    Optional<JsonNode> ready = Json.condition(object, "Ready");
    if (ready.isPresent()) {
      JsonNode condition = ready.get();
      // metav1.Condition carries its own observedGeneration: a Ready from an older spec is stale.
      if (condition.has("observedGeneration")
          && condition.path("observedGeneration").asLong() < generation) {
        return Optional.of(stale(generation, condition.path("observedGeneration").asLong()));
      }
      String status = condition.path("status").asText("");
      String reason = condition.path("reason").asText("");
      if ("True".equals(status)) {
        String message = Json.describe(condition);
        return Optional.of(Health.of(HealthStatus.HEALTHY, message.isEmpty() ? "ready" : message));
      }
      if ("False".equals(status)
          && !IN_PROGRESS.contains(reason.toLowerCase(Locale.ROOT))
          && !Json.conditionIs(object, "Reconciling", "True")) {
        return Optional.of(
            Health.of(HealthStatus.DEGRADED, "not ready: " + Json.describe(condition)));
      }
      return Optional.of(
          Health.of(HealthStatus.PROGRESSING, "not ready yet: " + Json.describe(condition)));
    }
    Optional<JsonNode> reconciling = Json.condition(object, "Reconciling");
    if (reconciling.isPresent() && "True".equals(reconciling.get().path("status").asText())) {
      return Optional.of(Health.of(HealthStatus.PROGRESSING, Json.describe(reconciling.get())));
    }
    return Optional.empty();
  }

  private static Health stale(long generation, long observed) {
    return Health.of(
        HealthStatus.PROGRESSING,
        "status reflects generation " + observed + ", waiting for generation " + generation);
  }
}
