package dev.gitops4j.render.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.IdentityResolver;
import dev.gitops4j.render.IdentityResolver.UnresolvableException;

/** {@link IdentityResolver#kubernetesStyle()}. */
public final class KubernetesIdentity implements IdentityResolver {

  public static final KubernetesIdentity INSTANCE = new KubernetesIdentity();

  private KubernetesIdentity() {}

  @Override
  public ResourceId resolve(JsonNode manifest) throws UnresolvableException {
    String apiVersion = requiredText(manifest, "apiVersion", "/apiVersion");
    String kind = requiredText(manifest, "kind", "/kind");
    String group = group(apiVersion);

    JsonNode metadata = manifest.get("metadata");
    if (metadata == null || metadata.isNull()) {
      throw new UnresolvableException("", missing("metadata.name", kind, manifest));
    }
    if (!metadata.isObject()) {
      throw new UnresolvableException(
          "/metadata", "metadata must be a mapping, got " + TypeDescriptions.describe(metadata));
    }
    JsonNode nameNode = metadata.get("name");
    if (nameNode == null || nameNode.isNull()) {
      String message = missing("metadata.name", kind, manifest);
      if (metadata.has("generateName")) {
        message +=
            " (metadata.generateName is not supported: declared resources need a fixed name)";
      }
      throw new UnresolvableException("/metadata", message);
    }
    String name = text(nameNode, "metadata.name", "/metadata/name");
    String namespace = null;
    JsonNode namespaceNode = metadata.get("namespace");
    // An empty namespace means "not set", as in kubectl.
    if (namespaceNode != null
        && !namespaceNode.isNull()
        && !(namespaceNode.isTextual() && namespaceNode.textValue().isEmpty())) {
      namespace = text(namespaceNode, "metadata.namespace", "/metadata/namespace");
    }
    String qualifiedKind = group.isEmpty() ? kind : group + "/" + kind;
    return ResourceId.of(qualifiedKind, namespace, name);
  }

  private static String group(String apiVersion) throws UnresolvableException {
    int slash = apiVersion.indexOf('/');
    if (slash < 0) {
      return "";
    }
    String group = apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    if (group.isEmpty() || version.isEmpty() || version.contains("/")) {
      throw new UnresolvableException(
          "/apiVersion", "apiVersion '" + apiVersion + "' is not of the form group/version");
    }
    return group;
  }

  private static String requiredText(JsonNode manifest, String field, String pointer)
      throws UnresolvableException {
    JsonNode node = manifest.get(field);
    if (node == null || node.isNull()) {
      throw new UnresolvableException("", "missing " + field);
    }
    return text(node, field, pointer);
  }

  private static String text(JsonNode node, String field, String pointer)
      throws UnresolvableException {
    if (!node.isTextual()) {
      throw new UnresolvableException(
          pointer, field + " must be a string, got " + TypeDescriptions.describe(node));
    }
    if (node.textValue().isBlank()) {
      throw new UnresolvableException(pointer, field + " must not be empty");
    }
    return node.textValue();
  }

  private static String missing(String field, String kind, JsonNode manifest) {
    if ("List".equals(kind) && manifest.has("items")) {
      return "missing "
          + field
          + " (kind List is not expanded: declare each item as its own document)";
    }
    return "missing " + field;
  }
}
