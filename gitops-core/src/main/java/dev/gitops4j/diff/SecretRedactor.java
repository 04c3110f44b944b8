package dev.gitops4j.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.diff.internal.SecretRedactors;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import java.util.Objects;

/**
 * Hides secret values in a resource body before it is rendered, logged or recorded.
 *
 * <p>A redactor returns a redacted copy and never mutates its input; it may return the input itself
 * when there is nothing to hide. The built-in redactors replace a secret value with a marker such
 * as {@code <redacted:3f9a0c81d2e4>}: a keyed hash of the value under a random key that lives only
 * in this process, so two renderings in one process show whether a value changed while the marker
 * reveals nothing about the value itself.
 */
@FunctionalInterface
public interface SecretRedactor {

  /**
   * @param id the resource the body belongs to
   * @param body the body; do not mutate it
   * @return the body with secret values replaced
   */
  JsonNode redact(ResourceId id, JsonNode body);

  /**
   * The changes with their old and new values redacted as they would be in the whole body: each
   * value is placed at its path in an otherwise empty body, redacted there and read back. Returns
   * the input list when nothing is redacted.
   */
  default List<Change> redactChanges(ResourceId id, List<Change> changes) {
    return SecretRedactors.redactChanges(this, id, changes);
  }

  /** This redactor, then {@code next}. */
  default SecretRedactor andThen(SecretRedactor next) {
    Objects.requireNonNull(next, "next");
    return SecretRedactors.chain(this, next);
  }

  /** A redactor that hides nothing. */
  static SecretRedactor none() {
    return SecretRedactors.none();
  }

  /**
   * Hides Kubernetes Secret values: for resources of kind {@code Secret} (or any {@code
   * group/Secret}), every value under {@code /data} and {@code /stringData} and the {@code
   * kubectl.kubernetes.io/last-applied-configuration} annotation, which repeats them.
   */
  static SecretRedactor kubernetesSecrets() {
    return SecretRedactors.kubernetesSecrets();
  }

  /**
   * Hides the values at the JSON Pointer patterns in every resource ({@code *} matches one segment,
   * {@code **} any number); a matched object or array is replaced as a whole.
   *
   * @throws IllegalArgumentException naming the pattern when one is invalid
   */
  static SecretRedactor paths(String... patterns) {
    return SecretRedactors.paths(null, patterns);
  }
}
