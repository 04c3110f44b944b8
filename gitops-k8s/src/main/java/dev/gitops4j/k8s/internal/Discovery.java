package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.TargetException;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which kinds the API server serves, whether they are namespaced and under which plural. Each group
 * version is fetched once and cached; a kind missing from the cache triggers one fresh fetch of its
 * group version, so a CRD installed a moment ago (in an earlier wave of the same revision)
 * resolves. The cache holds one entry per group version in use, so it stays proportional to managed
 * kinds.
 */
public final class Discovery {

  /** Scope of the built-in kinds, so rendering does not depend on the API server for them. */
  private static final Set<String> BUILTIN_CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "Node",
          "PersistentVolume",
          "ComponentStatus",
          "apiextensions.k8s.io/CustomResourceDefinition",
          "rbac.authorization.k8s.io/ClusterRole",
          "rbac.authorization.k8s.io/ClusterRoleBinding",
          "storage.k8s.io/StorageClass",
          "storage.k8s.io/CSIDriver",
          "storage.k8s.io/CSINode",
          "storage.k8s.io/VolumeAttachment",
          "scheduling.k8s.io/PriorityClass",
          "node.k8s.io/RuntimeClass",
          "networking.k8s.io/IngressClass",
          "admissionregistration.k8s.io/MutatingWebhookConfiguration",
          "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
          "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
          "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
          "apiregistration.k8s.io/APIService",
          "flowcontrol.apiserver.k8s.io/FlowSchema",
          "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
          "certificates.k8s.io/CertificateSigningRequest");

  private static final Set<String> BUILTIN_NAMESPACED =
      Set.of(
          "ConfigMap",
          "Secret",
          "Service",
          "ServiceAccount",
          "Pod",
          "PodTemplate",
          "PersistentVolumeClaim",
          "Endpoints",
          "Event",
          "LimitRange",
          "ResourceQuota",
          "ReplicationController",
          "apps/Deployment",
          "apps/StatefulSet",
          "apps/DaemonSet",
          "apps/ReplicaSet",
          "apps/ControllerRevision",
          "batch/Job",
          "batch/CronJob",
          "autoscaling/HorizontalPodAutoscaler",
          "policy/PodDisruptionBudget",
          "networking.k8s.io/Ingress",
          "networking.k8s.io/NetworkPolicy",
          "rbac.authorization.k8s.io/Role",
          "rbac.authorization.k8s.io/RoleBinding",
          "coordination.k8s.io/Lease",
          "discovery.k8s.io/EndpointSlice",
          "events.k8s.io/Event");

  private final KubernetesClient client;
  private final Map<String, Map<String, KindInfo>> byGroupVersion = new ConcurrentHashMap<>();
  private final Map<String, String> preferredVersions = new ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.AtomicLong generation =
      new java.util.concurrent.atomic.AtomicLong();

  /** Counts {@link #invalidate()} calls, so caches built on discovery know when to refresh. */
  public long generation() {
    return generation.get();
  }

  public Discovery(KubernetesClient client) {
    this.client = client;
  }

  /** Scope of a built-in kind ({@code group/Kind} or {@code Kind}), or empty when not built in. */
  public static Optional<Boolean> builtinNamespaced(String qualifiedKind) {
    if (BUILTIN_CLUSTER_SCOPED.contains(qualifiedKind)) {
      return Optional.of(false);
    }
    if (BUILTIN_NAMESPACED.contains(qualifiedKind)) {
      return Optional.of(true);
    }
    return Optional.empty();
  }

  /**
   * Resolves a kind.
   *
   * @param group API group, empty for core
   * @param version version to use, or {@code null} for the group's preferred one
   * @return the kind, or empty when the server does not serve it (after one fresh look)
   * @throws TargetException when the server cannot be asked (retryable)
   */
  public Optional<KindInfo> find(String group, String version, String kind) throws TargetException {
    String v = version != null ? version : preferredVersion(group, false);
    if (v == null) {
      v = preferredVersion(group, true);
      if (v == null) {
        return Optional.empty();
      }
    }
    String groupVersion = group.isEmpty() ? v : group + "/" + v;
    Map<String, KindInfo> kinds = byGroupVersion.get(groupVersion);
    if (kinds != null && kinds.containsKey(kind)) {
      return Optional.of(kinds.get(kind));
    }
    kinds = fetch(group, v, groupVersion);
    return Optional.ofNullable(kinds.get(kind));
  }

  /** Resolves a kind from a ResourceId kind ({@code group/Kind}) and an optional apiVersion. */
  public Optional<KindInfo> find(String qualifiedKind, String apiVersion) throws TargetException {
    int slash = qualifiedKind.lastIndexOf('/');
    String group = slash < 0 ? "" : qualifiedKind.substring(0, slash);
    String kind = slash < 0 ? qualifiedKind : qualifiedKind.substring(slash + 1);
    String version = null;
    if (apiVersion != null && !apiVersion.isBlank()) {
      int s = apiVersion.indexOf('/');
      version = s < 0 ? apiVersion : apiVersion.substring(s + 1);
    }
    return find(group, version, kind);
  }

  /** Forgets everything, e.g. after a CRD changed. */
  public void invalidate() {
    generation.incrementAndGet();
    byGroupVersion.clear();
    preferredVersions.clear();
  }

  private String preferredVersion(String group, boolean refresh) throws TargetException {
    if (group.isEmpty()) {
      return "v1";
    }
    if (!refresh) {
      return preferredVersions.get(group);
    }
    try {
      APIGroup apiGroup = client.getApiGroup(group);
      if (apiGroup == null || apiGroup.getPreferredVersion() == null) {
        return null;
      }
      String version = apiGroup.getPreferredVersion().getVersion();
      preferredVersions.put(group, version);
      return version;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw Errors.observe("discover API group " + group, e);
    }
  }

  private Map<String, KindInfo> fetch(String group, String version, String groupVersion)
      throws TargetException {
    APIResourceList list;
    try {
      list = client.getApiResources(groupVersion);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Map.of();
      }
      throw Errors.observe("discover " + groupVersion, e);
    }
    Map<String, KindInfo> kinds = new HashMap<>();
    if (list != null && list.getResources() != null) {
      for (APIResource resource : list.getResources()) {
        if (resource.getName().contains("/")) {
          continue; // subresource such as deployments/scale
        }
        kinds.put(
            resource.getKind(),
            new KindInfo(
                group,
                version,
                resource.getKind(),
                resource.getName(),
                Boolean.TRUE.equals(resource.getNamespaced())));
      }
    }
    if (!kinds.isEmpty()) {
      byGroupVersion.put(groupVersion, Map.copyOf(kinds));
    }
    return kinds;
  }
}
