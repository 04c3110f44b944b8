package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The store of one kind's informer: each watched object as a tree without its field managers, the
 * form a pass reads it in, so the cache is the live state a pass starts from rather than a second
 * copy of it in the client's model.
 *
 * <p>The informer gets back only each object's name, namespace and resourceVersion, all it needs to
 * tell an update from a repeat; whether an update matters is decided here, where the previous tree
 * still is, and reported to {@code changed} with both trees.
 *
 * <p>Trees handed out are shared: nobody may change them.
 */
final class WatchedObjects implements ItemStore<GenericKubernetesResource> {

  private final KindInfo kind;
  private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
  private final BiConsumer<JsonNode, JsonNode> changed;

  /**
   * @param changed told of every stored update with the tree before and after
   */
  WatchedObjects(KindInfo kind, BiConsumer<JsonNode, JsonNode> changed) {
    this.kind = kind;
    this.changed = changed;
  }

  /** The kind stored, in the version it was read in. */
  KindInfo kind() {
    return kind;
  }

  /** The object {@code name} in {@code namespace} (null for cluster-scoped), or null. */
  ObjectNode get(String namespace, String name) {
    return objects.get(key(namespace, name));
  }

  @Override
  public String getKey(GenericKubernetesResource object) {
    return key(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    ObjectNode tree = Cluster.withKind((ObjectNode) Cluster.toJson(object), kind);
    if (tree.path("metadata") instanceof ObjectNode metadata) {
      metadata.remove("managedFields");
    }
    ObjectNode before = objects.put(key, tree);
    if (before != null) {
      changed.accept(before, tree);
    }
    return before == null ? null : stub(before);
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    ObjectNode before = objects.remove(key);
    return before == null ? null : stub(before);
  }

  @Override
  public Stream<String> keySet() {
    return objects.keySet().stream();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return objects.values().stream().map(WatchedObjects::stub);
  }

  @Override
  public int size() {
    return objects.size();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    ObjectNode tree = objects.get(key);
    return tree == null ? null : stub(tree);
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  private static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** What the informer keeps asking for: identity and version, not the body. */
  private static GenericKubernetesResource stub(ObjectNode tree) {
    JsonNode metadata = tree.path("metadata");
    GenericKubernetesResource stub = new GenericKubernetesResource();
    stub.setApiVersion(tree.path("apiVersion").asText(null));
    stub.setKind(tree.path("kind").asText(null));
    stub.setMetadata(
        new ObjectMetaBuilder()
            .withName(metadata.path("name").asText(null))
            .withNamespace(metadata.path("namespace").asText(null))
            .withResourceVersion(metadata.path("resourceVersion").asText(null))
            .withUid(metadata.path("uid").asText(null))
            .build());
    return stub;
  }
}
