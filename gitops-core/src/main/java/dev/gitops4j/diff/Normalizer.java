package dev.gitops4j.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;

/**
 * Rewrites a resource body into the form in which it is compared, for example stripping fields the
 * target sets on its own ({@code status}, {@code managedFields}, defaults).
 *
 * <p>Applied to the desired and to the live body before comparing. A normalizer must not mutate its
 * input, must return a tree (never {@code null}) and must be idempotent: normalizing a normalized
 * body changes nothing. Returning the input itself when nothing changes keeps comparisons cheap.
 */
@FunctionalInterface
public interface Normalizer {

  /**
   * @param id the resource the body belongs to
   * @param body the body; do not mutate it
   * @return the normalized body, the input itself when nothing changes
   */
  JsonNode normalize(ResourceId id, JsonNode body);

  /** This normalizer, then {@code next}. */
  default Normalizer andThen(Normalizer next) {
    java.util.Objects.requireNonNull(next, "next");
    return (id, body) -> next.normalize(id, normalize(id, body));
  }
}
