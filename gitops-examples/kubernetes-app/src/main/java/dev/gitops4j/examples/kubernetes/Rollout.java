package dev.gitops4j.examples.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.k8s.health.HealthWaiter;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Waits for a Deployment's rollout as {@code kubectl rollout status} would, with the same health
 * checks the engine applies after each pass. Bounded: it reports what it saw when time runs out.
 */
final class Rollout {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Rollout() {}

  static HealthWaiter.Result await(KubernetesClient client, ResourceId deployment, Duration timeout)
      throws InterruptedException {
    return HealthWaiter.custom()
        .timeout(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .failFast(true) // a degraded rollout will not heal by waiting
        .build()
        .await(List.of(deployment), id -> read(client, id));
  }

  private static Optional<LiveResource> read(KubernetesClient client, ResourceId id) {
    GenericKubernetesResource object =
        client
            .genericKubernetesResources("apps/v1", "Deployment")
            .inNamespace(id.scope())
            .withName(id.name())
            .get();
    if (object == null) {
      return Optional.empty();
    }
    try {
      JsonNode body = JSON.readTree(client.getKubernetesSerialization().asJson(object));
      return Optional.of(
          new LiveResource(id, body, object.getMetadata().getResourceVersion(), true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
