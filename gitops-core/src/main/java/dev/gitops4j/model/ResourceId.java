package dev.gitops4j.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identity of one managed resource, generic across targets.
 *
 * <p>For Kubernetes: {@code kind} is {@code group/Kind} (or just {@code Kind} for the core group),
 * {@code scope} the namespace. For Terraform: {@code kind} is the resource type, {@code scope} the
 * module path. For hosts: {@code kind} is {@code file}, {@code scope} the host.
 *
 * @param kind what sort of resource this is; never blank
 * @param scope namespace, module or host; {@code null} for cluster-scoped or global resources
 * @param name name unique within kind and scope; never blank
 */
public record ResourceId(String kind, String scope, String name) implements Comparable<ResourceId> {

  private static final Comparator<ResourceId> ORDER =
      Comparator.comparing(ResourceId::kind)
          .thenComparing(ResourceId::scope, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ResourceId::name);

  public ResourceId {
    requireNonBlank(kind, "kind");
    requireNonBlank(name, "name");
    if (scope != null && scope.isBlank()) {
      scope = null;
    }
  }

  /** A resource without a scope (cluster-scoped, global). */
  public static ResourceId of(String kind, String name) {
    return new ResourceId(kind, null, name);
  }

  /** A resource inside a scope (namespace, module, host). */
  public static ResourceId of(String kind, String scope, String name) {
    return new ResourceId(kind, scope, name);
  }

  public boolean isScoped() {
    return scope != null;
  }

  @Override
  public int compareTo(ResourceId other) {
    return ORDER.compare(this, other);
  }

  /** {@code Kind scope/name} or {@code Kind name}: the form used in logs and errors. */
  @Override
  public String toString() {
    return scope == null ? kind + " " + name : kind + " " + scope + "/" + name;
  }

  private static void requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException("resource " + field + " must not be blank");
    }
  }
}
