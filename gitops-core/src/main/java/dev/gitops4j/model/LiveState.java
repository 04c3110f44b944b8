package dev.gitops4j.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the target holds of the resources an application declares or owns.
 *
 * @param resources live resources by identity
 */
public record LiveState(Map<ResourceId, LiveResource> resources) {

  public LiveState {
    resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
  }

  public static LiveState of(Collection<LiveResource> list) {
    Map<ResourceId, LiveResource> byId = new LinkedHashMap<>();
    list.forEach(resource -> byId.put(resource.id(), resource));
    return new LiveState(byId);
  }

  public static LiveState empty() {
    return new LiveState(Map.of());
  }

  public Optional<LiveResource> get(ResourceId id) {
    return Optional.ofNullable(resources.get(id));
  }
}
