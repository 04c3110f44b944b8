package dev.gitops4j.k8s.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.k8s.health.internal.ConditionsHealth;
import dev.gitops4j.k8s.health.internal.CoreHealth;
import dev.gitops4j.k8s.health.internal.PodHealth;
import dev.gitops4j.k8s.health.internal.WorkloadHealth;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.LiveResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Health checks for Kubernetes objects.
 *
 * <p>{@link #all()} covers Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job,
 * PersistentVolumeClaim, Service, CustomResourceDefinition and Namespace, then falls back to the
 * API conventions for every other kind ({@code status.conditions} {@code Ready} and {@code
 * status.observedGeneration}). Register them on a target in that order; the engine uses the first
 * check that answers:
 *
 * <pre>{@code
 * Target.Builder target = ...;
 * target.healthCheck(KubernetesHealthChecks.forKind("example.com", "Database", db -> ...));
 * KubernetesHealthChecks.all().forEach(target::healthCheck);
 * }</pre>
 *
 * <p>A check reads the object's kind from its {@code apiVersion} and {@code kind} fields, falling
 * back to the resource id ({@code group/Kind}).
 */
public final class KubernetesHealthChecks {

  private static final List<HealthCheck> BUILT_IN =
      List.of(
          forKind(Set.of("apps", "extensions"), "Deployment", WorkloadHealth::deployment),
          forKind(Set.of("apps"), "StatefulSet", WorkloadHealth::statefulSet),
          forKind(Set.of("apps", "extensions"), "DaemonSet", WorkloadHealth::daemonSet),
          forKind(Set.of("apps", "extensions"), "ReplicaSet", WorkloadHealth::replicaSet),
          forKind(Set.of(""), "Pod", PodHealth::pod),
          forKind(Set.of("batch"), "Job", CoreHealth::job),
          forKind(Set.of(""), "PersistentVolumeClaim", CoreHealth::persistentVolumeClaim),
          forKind(Set.of(""), "Service", CoreHealth::service),
          forKind(Set.of(""), "Namespace", CoreHealth::namespace),
          forKind(
              Set.of("apiextensions.k8s.io"),
              "CustomResourceDefinition",
              CoreHealth::customResourceDefinition));

  private static final HealthCheck CONDITIONS =
      resource -> ConditionsHealth.assess(resource.body());

  private KubernetesHealthChecks() {}

  /** The built-in kind checks followed by the {@link #conditions()} fallback. */
  public static List<HealthCheck> all() {
    List<HealthCheck> checks = new ArrayList<>(BUILT_IN);
    checks.add(CONDITIONS);
    return List.copyOf(checks);
  }

  /** The checks for the built-in kinds only; empty for every other kind. */
  public static List<HealthCheck> builtIn() {
    return BUILT_IN;
  }

  /**
   * The generic check: {@code Ready=True} with a current {@code observedGeneration} is healthy,
   * {@code Ready=False} degraded (progressing when its reason says so), a stale {@code
   * observedGeneration} progressing; empty for objects that carry none of these.
   */
  public static HealthCheck conditions() {
    return CONDITIONS;
  }

  /** One check asking {@code checks} in order; the first answer wins. */
  public static HealthCheck composite(List<? extends HealthCheck> checks) {
    List<HealthCheck> copy = List.copyOf(checks);
    return resource -> {
      for (HealthCheck check : copy) {
        Optional<Health> health = check.assess(resource);
        if (health.isPresent()) {
          return health;
        }
      }
      return Optional.empty();
    };
  }

  /**
   * A check for one kind.
   *
   * @param group API group, {@code ""} for the core group
   * @param kind the kind, e.g. {@code Database}
   * @param assess health of an object of that kind
   */
  public static HealthCheck forKind(String group, String kind, Function<JsonNode, Health> assess) {
    return forKind(Set.of(group), kind, assess);
  }

  private static HealthCheck forKind(
      Set<String> groups, String kind, Function<JsonNode, Health> assess) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(assess, "assess");
    return resource -> {
      GroupKind actual = GroupKind.of(resource);
      if (!kind.equals(actual.kind()) || !groups.contains(actual.group())) {
        return Optional.empty();
      }
      return Optional.of(assess.apply(resource.body()));
    };
  }

  /** Group and kind of a live object. */
  record GroupKind(String group, String kind) {

    static GroupKind of(LiveResource resource) {
      JsonNode body = resource.body();
      String apiVersion = body.path("apiVersion").asText("");
      String kind = body.path("kind").asText("");
      if (!apiVersion.isEmpty() && !kind.isEmpty()) {
        int slash = apiVersion.indexOf('/');
        return new GroupKind(slash < 0 ? "" : apiVersion.substring(0, slash), kind);
      }
      String id = resource.id().kind();
      int slash = id.lastIndexOf('/');
      return slash < 0
          ? new GroupKind("", id)
          : new GroupKind(id.substring(0, slash), id.substring(slash + 1));
    }
  }
}
