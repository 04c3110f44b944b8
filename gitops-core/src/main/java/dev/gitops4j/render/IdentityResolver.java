package dev.gitops4j.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.internal.KubernetesIdentity;
import java.util.Objects;

/** Derives the identity of a resource from its decoded manifest. */
@FunctionalInterface
public interface IdentityResolver {

  /**
   * The identity {@code manifest} declares.
   *
   * @param manifest the document's top-level mapping
   * @throws UnresolvableException naming the field that is missing or wrong
   */
  ResourceId resolve(JsonNode manifest) throws UnresolvableException;

  /**
   * Kubernetes identities: kind is {@code group/Kind} from {@code apiVersion} and {@code kind}
   * (just {@code Kind} for the core group, so {@code v1 ConfigMap} is {@code ConfigMap} and {@code
   * apps/v1 Deployment} is {@code apps/Deployment}), scope is {@code metadata.namespace} when
   * present, name is {@code metadata.name}. The version is not part of the identity: one object is
   * served under several versions.
   */
  static IdentityResolver kubernetesStyle() {
    return KubernetesIdentity.INSTANCE;
  }

  /** A manifest does not declare a usable identity. */
  final class UnresolvableException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String pointer;

    /**
     * @param pointer JSON Pointer of the offending field, or of its closest parent when the field
     *     is missing; {@code ""} for the whole manifest
     * @param message what is wrong, naming the field; must not contain secret values
     */
    public UnresolvableException(String pointer, String message) {
      super(message);
      this.pointer = Objects.requireNonNull(pointer, "pointer");
    }

    /** JSON Pointer of the offending field, used to report its line. */
    public String pointer() {
      return pointer;
    }
  }
}
