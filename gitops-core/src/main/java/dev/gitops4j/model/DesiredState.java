package dev.gitops4j.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every resource one revision declares, keyed by identity, in declaration order.
 *
 * @param revision the source revision this state was rendered from
 * @param resources resources by identity
 */
public record DesiredState(String revision, Map<ResourceId, DesiredResource> resources) {

  public DesiredState {
    Objects.requireNonNull(revision, "revision");
    resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
  }

  /**
   * Builds a state from a list, rejecting two resources with one identity.
   *
   * @throws IllegalArgumentException naming both origins when an identity repeats
   */
  public static DesiredState of(String revision, Collection<DesiredResource> list) {
    Map<ResourceId, DesiredResource> byId = new LinkedHashMap<>();
    for (DesiredResource resource : list) {
      DesiredResource previous = byId.putIfAbsent(resource.id(), resource);
      if (previous != null) {
        throw new IllegalArgumentException(
            resource.origin()
                + ": duplicate resource "
                + resource.id()
                + " (first declared at "
                + previous.origin()
                + ")");
      }
    }
    return new DesiredState(revision, byId);
  }

  public Optional<DesiredResource> get(ResourceId id) {
    return Optional.ofNullable(resources.get(id));
  }

  public boolean isEmpty() {
    return resources.isEmpty();
  }

  public int size() {
    return resources.size();
  }
}
