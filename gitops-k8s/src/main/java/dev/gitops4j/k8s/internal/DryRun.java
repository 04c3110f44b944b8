package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * Server-side dry-run applies of declared bodies, with strict field validation: what an apply would
 * produce (defaults, webhooks, merges), or why the API server refuses it (schema, names,
 * admission).
 */
final class DryRun {

  /**
   * The answer to one dry run; exactly one of the three holds.
   *
   * @param body what an apply would produce
   * @param rejection why the server refuses the object as declared
   * @param deferred the object cannot be tried yet: its kind or namespace does not exist (an
   *     earlier wave creates it), or the change needs a re-create (left to the apply)
   */
  record Outcome(JsonNode body, String rejection, boolean deferred) {
    static Outcome later() {
      return new Outcome(null, null, true);
    }
  }

  private static final String STAND_IN_NAMESPACE = "default";

  private final ApplicationState app;
  private final Cluster cluster;

  DryRun(ApplicationState app) {
    this.app = app;
    this.cluster = app.cluster;
  }

  /**
   * Dry-runs {@code declared}, marked with the application and {@code hash}.
   *
   * @throws TargetException when the server could not answer (network, overload); retryable
   */
  Outcome of(DesiredResource declared, String hash) throws TargetException {
    ResourceId id = declared.id();
    Optional<KindInfo> kind =
        cluster.discovery.find(id.kind(), declared.body().path("apiVersion").asText(null));
    if (kind.isEmpty()) {
      return Outcome.later();
    }
    JsonNode body = OwnershipMarks.marked(declared.body(), app.application, hash);
    try {
      return new Outcome(cluster.apply(kind.get(), id, body, true, true), null, false);
    } catch (KubernetesClientException e) {
      if (Errors.isMissingNamespace(e)) {
        return inStandInNamespace(kind.get(), id, body);
      }
      return refusal(id, e);
    }
  }

  /**
   * An object whose namespace an earlier wave creates cannot be dry-run where it belongs yet; tried
   * in the {@code default} namespace instead, it still meets the schema, field and name checks and
   * every admission rule that does not depend on the namespace. It is tried again where it belongs
   * once its wave is reached.
   */
  private Outcome inStandInNamespace(KindInfo kind, ResourceId id, JsonNode body)
      throws TargetException {
    ResourceId standIn = ResourceId.of(id.kind(), STAND_IN_NAMESPACE, id.name());
    ObjectNode moved = body.deepCopy();
    moved.withObjectProperty("metadata").put("namespace", STAND_IN_NAMESPACE);
    try {
      cluster.apply(kind, standIn, moved, true, true);
      return Outcome.later();
    } catch (KubernetesClientException e) {
      if (Errors.isRbacRefusal(e) || e.getCode() == 404) {
        return Outcome.later(); // no rights in the stand-in namespace: the check waits for the wave
      }
      return refusal(id, e);
    }
  }

  private static Outcome refusal(ResourceId id, KubernetesClientException e)
      throws TargetException {
    if (Errors.isTransient(e)) {
      throw new TargetException(
          id + ": dry-run apply failed: " + Errors.describe(e, Cluster.isSecret(id)),
          true,
          Cluster.isSecret(id) ? null : e);
    }
    if (Errors.isImmutable(e) || Errors.isMissingNamespace(e)) {
      return Outcome.later();
    }
    return new Outcome(null, Errors.describe(e, Cluster.isSecret(id)), false);
  }
}
