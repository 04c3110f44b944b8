package dev.gitops4j.diff;

import dev.gitops4j.diff.internal.Glob;
import dev.gitops4j.diff.internal.JsonValues;
import dev.gitops4j.diff.internal.PointerPattern;
import java.util.List;
import java.util.Objects;

/**
 * Built-in {@link Normalizer}s. All of them are idempotent, never mutate their input and return the
 * input itself when there is nothing to change.
 */
public final class Normalizers {

  private Normalizers() {}

  /**
   * Removes the locations the JSON Pointer patterns select, from every resource. A segment {@code
   * *} matches any one field or array index, {@code **} any number of segments; {@code ~0} and
   * {@code ~1} escape {@code ~} and {@code /}.
   *
   * <p>Example: {@code removeFields("/status", "/metadata/managedFields",
   * "/spec/template/spec/containers/*&#47;terminationMessagePath")}.
   *
   * @throws IllegalArgumentException naming the pattern when one is invalid
   */
  public static Normalizer removeFields(String... patterns) {
    List<PointerPattern> compiled = List.of(patterns).stream().map(PointerPattern::parse).toList();
    return (id, body) -> {
      var result = body;
      for (PointerPattern pattern : compiled) {
        result = pattern.remove(result);
      }
      return result;
    };
  }

  /** Removes object fields whose value is {@code null}, at any depth. */
  public static Normalizer dropNulls() {
    return (id, body) -> JsonValues.dropNulls(body);
  }

  /**
   * Removes object fields whose value is null, an empty array, or an object holding only such
   * values, at any depth; array elements stay. This is what {@link
   * DiffOptions.Builder#treatEmptyAsAbsent} does during comparison, as a rewrite.
   */
  public static Normalizer dropEmpty() {
    return (id, body) -> JsonValues.dropEmpty(body);
  }

  /**
   * Applies {@code normalizer} only to resources whose kind matches the glob ({@code *} any run of
   * characters, {@code ?} one character), e.g. {@code onlyForKind("apps/*", ...)}.
   */
  public static Normalizer onlyForKind(String kindGlob, Normalizer normalizer) {
    Objects.requireNonNull(kindGlob, "kindGlob");
    Objects.requireNonNull(normalizer, "normalizer");
    return (id, body) -> Glob.matches(kindGlob, id.kind()) ? normalizer.normalize(id, body) : body;
  }
}
