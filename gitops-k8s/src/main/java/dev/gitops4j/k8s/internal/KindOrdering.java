package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.plan.Ordering;
import java.util.Map;

/**
 * Kubernetes apply order within a wave: CRDs, then Namespaces, then other cluster-scoped objects,
 * then namespaced ones from the objects others refer to (accounts, config, storage, RBAC) through
 * services and workloads to everything else (custom resources last). Deletes run in reverse.
 */
public final class KindOrdering implements Ordering {

  private static final Map<String, Integer> WEIGHTS =
      Map.ofEntries(
          Map.entry("apiextensions.k8s.io/CustomResourceDefinition", 0),
          Map.entry("Namespace", 1),
          Map.entry("ResourceQuota", 3),
          Map.entry("LimitRange", 3),
          Map.entry("ServiceAccount", 4),
          Map.entry("Secret", 4),
          Map.entry("ConfigMap", 4),
          Map.entry("PersistentVolumeClaim", 4),
          Map.entry("rbac.authorization.k8s.io/Role", 5),
          Map.entry("rbac.authorization.k8s.io/RoleBinding", 5),
          Map.entry("Service", 6),
          Map.entry("apps/DaemonSet", 7),
          Map.entry("Pod", 7),
          Map.entry("ReplicationController", 7),
          Map.entry("apps/ReplicaSet", 7),
          Map.entry("apps/Deployment", 7),
          Map.entry("apps/StatefulSet", 7),
          Map.entry("batch/Job", 7),
          Map.entry("batch/CronJob", 7));

  /** Cluster-scoped kinds not named above. */
  private static final int CLUSTER_SCOPED = 2;

  /** Namespaced kinds not named above, custom resources included. */
  private static final int OTHER = 8;

  @Override
  public int weight(ResourceId id, JsonNode body) {
    Integer weight = WEIGHTS.get(id.kind());
    if (weight != null) {
      return weight;
    }
    return id.isScoped() ? OTHER : CLUSTER_SCOPED;
  }
}
