package dev.gitops4j.k8s.internal;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * A kind as the API server serves it.
 *
 * @param group API group, empty for the core group
 * @param version served version used for requests
 * @param kind kind name
 * @param plural resource name in URLs
 * @param namespaced whether objects live in a namespace
 */
public record KindInfo(
    String group, String version, String kind, String plural, boolean namespaced) {

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }
}
