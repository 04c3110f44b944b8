package dev.gitops4j.diff;

import dev.gitops4j.diff.internal.Glob;
import dev.gitops4j.diff.internal.PointerPattern;
import dev.gitops4j.model.ResourceId;
import java.util.Objects;

/**
 * A location the differ ignores: a JSON Pointer pattern, optionally limited to resources whose
 * kind, scope and name match globs.
 *
 * <p>The pattern is a JSON Pointer (RFC 6901, {@code ~0} for {@code ~}, {@code ~1} for {@code /})
 * whose segment {@code *} matches any one field or array index and {@code **} any number of
 * segments. Selector globs use {@code *} for any run of characters and {@code ?} for one; an unset
 * selector matches everything, and a resource without scope matches a scope glob that matches the
 * empty string.
 *
 * <p>Matching locations are removed from both the desired and the live body (each by its own paths)
 * before comparing, so they never produce changes and nothing else is suppressed.
 *
 * <pre>{@code
 * IgnoreRule.of("/spec/replicas").forKind("apps/Deployment").inScope("prod-*")
 * }</pre>
 */
public final class IgnoreRule {

  private final String pointer;
  private final String kind;
  private final String scope;
  private final String name;

  private IgnoreRule(String pointer, String kind, String scope, String name) {
    this.pointer = pointer;
    this.kind = kind;
    this.scope = scope;
    this.name = name;
  }

  /**
   * A rule for every resource.
   *
   * @throws IllegalArgumentException naming the pattern when it is not a valid pointer pattern
   */
  public static IgnoreRule of(String pointerPattern) {
    PointerPattern.parse(pointerPattern);
    return new IgnoreRule(pointerPattern, null, null, null);
  }

  /**
   * This rule limited to kinds matching the glob, e.g. {@code apps/Deployment} or {@code apps/*}.
   */
  public IgnoreRule forKind(String kindGlob) {
    return new IgnoreRule(pointer, requireGlob(kindGlob, "kind"), scope, name);
  }

  /** This rule limited to scopes (namespace, module, host) matching the glob. */
  public IgnoreRule inScope(String scopeGlob) {
    return new IgnoreRule(pointer, kind, requireGlob(scopeGlob, "scope"), name);
  }

  /** This rule limited to names matching the glob. */
  public IgnoreRule named(String nameGlob) {
    return new IgnoreRule(pointer, kind, scope, requireGlob(nameGlob, "name"));
  }

  /** Whether the rule applies to the resource. */
  public boolean appliesTo(ResourceId id) {
    return (kind == null || Glob.matches(kind, id.kind()))
        && (scope == null || Glob.matches(scope, id.scope() == null ? "" : id.scope()))
        && (name == null || Glob.matches(name, id.name()));
  }

  /** The pointer pattern. */
  public String pointer() {
    return pointer;
  }

  /** The kind glob, or {@code null} for any kind. */
  public String kind() {
    return kind;
  }

  /** The scope glob, or {@code null} for any scope. */
  public String scope() {
    return scope;
  }

  /** The name glob, or {@code null} for any name. */
  public String name() {
    return name;
  }

  private static String requireGlob(String glob, String what) {
    Objects.requireNonNull(glob, what + " glob");
    if (glob.isBlank()) {
      throw new IllegalArgumentException("ignore rule " + what + " glob must not be blank");
    }
    return glob;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IgnoreRule rule
        && pointer.equals(rule.pointer)
        && Objects.equals(kind, rule.kind)
        && Objects.equals(scope, rule.scope)
        && Objects.equals(name, rule.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pointer, kind, scope, name);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("ignore ").append(pointer);
    if (kind != null) {
      out.append(" kind=").append(kind);
    }
    if (scope != null) {
      out.append(" scope=").append(scope);
    }
    if (name != null) {
      out.append(" name=").append(name);
    }
    return out.toString();
  }
}
