package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.sync.InventoryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One ConfigMap per application ({@code gitops4j-inventory-<application>}) in the inventory
 * namespace, holding the owned identities as gzip-compressed JSON. Writes carry the resourceVersion
 * last read, so a second writer that raced this one fails with a conflict instead of losing an
 * update.
 *
 * <p>Compressed because an object is at most 1 MiB: as plain JSON that is about 13,000 identities,
 * compressed well over 100,000, still in one object, so a save stays one conditional write.
 * Inventories stored as plain JSON under {@code data.resources} are still read.
 */
public final class ConfigMapInventoryStore implements InventoryStore {

  static final String PREFIX = "gitops4j-inventory-";
  static final String KEY = "resources";
  static final String COMPRESSED_KEY = "resources.json.gz";

  /** What the API server accepts in one object, less room for the metadata. */
  private static final int MAX_STORED = (1 << 20) - 16 * 1024;

  private final Cluster cluster;
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  public ConfigMapInventoryStore(Cluster cluster) {
    this.cluster = cluster;
  }

  static String name(String application) {
    return PREFIX + application.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  @Override
  public Inventory load(String application) throws IOException {
    OwnershipMarks.requireApplicationName(application);
    ConfigMap map;
    try {
      map = configMaps().withName(name(application)).get();
    } catch (KubernetesClientException e) {
      throw new IOException("cannot read the inventory of " + application + ": " + brief(e), e);
    }
    if (map == null) {
      versions.remove(application);
      return Inventory.empty();
    }
    versions.put(application, map.getMetadata().getResourceVersion());
    String compressed =
        map.getBinaryData() == null ? null : map.getBinaryData().get(COMPRESSED_KEY);
    String json;
    if (compressed != null) {
      try (InputStream in =
          new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(compressed)))) {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException(
            "cannot read the inventory of "
                + application
                + ": "
                + COMPRESSED_KEY
                + " of ConfigMap "
                + name(application)
                + " is not gzip-compressed base64",
            e);
      }
    } else {
      json = map.getData() == null ? null : map.getData().get(KEY);
    }
    if (json == null || json.isBlank()) {
      return Inventory.empty();
    }
    List<ResourceId> ids = new ArrayList<>();
    for (JsonNode entry : Cluster.JSON.readTree(json)) {
      ids.add(
          ResourceId.of(
              entry.path("kind").asText(),
              entry.path("namespace").isTextual() ? entry.path("namespace").asText() : null,
              entry.path("name").asText()));
    }
    return Inventory.of(ids);
  }

  @Override
  public void save(String application, Inventory inventory) throws IOException {
    OwnershipMarks.requireApplicationName(application);
    ArrayNode entries = Cluster.JSON.createArrayNode();
    for (ResourceId id : inventory.resources()) {
      var entry = entries.addObject().put("kind", id.kind());
      if (id.scope() != null) {
        entry.put("namespace", id.scope());
      }
      entry.put("name", id.name());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      Cluster.JSON.writeValue(gzip, entries);
    }
    String compressed = Base64.getEncoder().encodeToString(bytes.toByteArray());
    if (compressed.length() > MAX_STORED) {
      throw new IOException(
          "cannot store the inventory of "
              + application
              + ": "
              + inventory.resources().size()
              + " identities are "
              + compressed.length()
              + " bytes compressed, more than one ConfigMap holds; split the application or"
              + " give the engine another InventoryStore (gitops-jdbc)");
    }
    String known = versions.get(application);
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name(application))
            .withNamespace(cluster.settings.inventoryNamespace())
            .withResourceVersion(known)
            .addToLabels(OwnershipMarks.MANAGED_BY_LABEL, OwnershipMarks.MANAGED_BY_VALUE)
            .addToLabels("gitops4j.dev/inventory-of", application)
            .endMetadata()
            .addToBinaryData(COMPRESSED_KEY, compressed)
            .build();
    try {
      ConfigMap stored;
      if (known == null) {
        ensureNamespace();
        stored = configMaps().resource(map).create();
      } else {
        stored = configMaps().resource(map).update();
      }
      versions.put(application, stored.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        versions.remove(application);
        throw new IOException(
            "the inventory of "
                + application
                + " was changed by another writer since it was read; reload and retry",
            e);
      }
      throw new IOException("cannot store the inventory of " + application + ": " + brief(e), e);
    }
  }

  private void ensureNamespace() {
    String namespace = cluster.settings.inventoryNamespace();
    if (cluster.client.namespaces().withName(namespace).get() == null) {
      try {
        cluster
            .client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(namespace)
                    .addToLabels(OwnershipMarks.MANAGED_BY_LABEL, OwnershipMarks.MANAGED_BY_VALUE)
                    .endMetadata()
                    .build())
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          ConfigMap,
          io.fabric8.kubernetes.api.model.ConfigMapList,
          io.fabric8.kubernetes.client.dsl.Resource<ConfigMap>>
      configMaps() {
    return cluster.client.configMaps().inNamespace(cluster.settings.inventoryNamespace());
  }

  private static String brief(KubernetesClientException e) {
    return Errors.describe(e, false);
  }
}
