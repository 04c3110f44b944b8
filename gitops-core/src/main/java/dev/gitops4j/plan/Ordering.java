package dev.gitops4j.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;

/**
 * Target-supplied order of resources within a wave: lower weights are written first and deleted
 * last. Kubernetes, for example, puts CRDs and Namespaces before everything else.
 */
@FunctionalInterface
public interface Ordering {

  /** The weight of a resource; {@code body} is the desired tree, or the live one for deletes. */
  int weight(ResourceId id, JsonNode body);

  /** Every resource weighs the same. */
  static Ordering none() {
    return (id, body) -> 0;
  }
}
