package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which hooks of an application ran for its current revision, and how they ended: one ConfigMap per
 * application ({@code gitops4j-hooks-<application>}) in the inventory namespace. It is what keeps a
 * hook from running twice for one revision once its object is gone (deleted by its delete policy).
 * Only the latest revision is kept; writes carry the resourceVersion read, so a racing writer fails
 * instead of losing an entry.
 */
final class HookRuns {

  static final String PREFIX = "gitops4j-hooks-";
  static final String KEY = "runs";

  /** How a hook's run ended, as far as gitops4j waits for it. */
  enum Outcome {
    SUCCEEDED,
    FAILED,
    /** Created and not waited for: SyncFail hooks. */
    STARTED
  }

  /** One hook's run for the revision. */
  record Run(Outcome outcome, String message) {}

  private final Cluster cluster;
  private final String application;
  private final String revision;
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private String resourceVersion;
  private boolean changed;

  private HookRuns(Cluster cluster, String application, String revision) {
    this.cluster = cluster;
    this.application = application;
    this.revision = revision;
  }

  static String name(String application) {
    return PREFIX + application.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The runs recorded for {@code revision}; none when the record is of another revision. */
  static HookRuns load(Cluster cluster, String application, String revision)
      throws TargetException {
    HookRuns loaded = new HookRuns(cluster, application, revision);
    ConfigMap map;
    try {
      map =
          cluster
              .client
              .configMaps()
              .inNamespace(cluster.settings.inventoryNamespace())
              .withName(name(application))
              .get();
    } catch (KubernetesClientException e) {
      throw Errors.observe("read the hook runs of " + application, e);
    }
    if (map == null) {
      return loaded;
    }
    loaded.resourceVersion = map.getMetadata().getResourceVersion();
    String json = map.getData() == null ? null : map.getData().get(KEY);
    if (json == null || json.isBlank()) {
      return loaded;
    }
    try {
      JsonNode root = Cluster.JSON.readTree(json);
      if (!revision.equals(root.path("revision").asText())) {
        loaded.changed = true; // another revision: its runs are dropped with the next write
        return loaded;
      }
      root.path("hooks")
          .properties()
          .forEach(
              entry ->
                  loaded.runs.put(
                      entry.getKey(),
                      new Run(
                          Outcome.valueOf(entry.getValue().path("outcome").asText()),
                          entry.getValue().path("message").asText(""))));
    } catch (IOException | IllegalArgumentException e) {
      throw new TargetException(
          "the hook runs of " + application + " (ConfigMap " + name(application) + ") are corrupt",
          false,
          e);
    }
    return loaded;
  }

  Run get(ResourceId id) {
    return runs.get(id.toString());
  }

  void put(ResourceId id, Outcome outcome, String message) {
    runs.put(id.toString(), new Run(outcome, message));
    changed = true;
  }

  /** Writes the record when it changed since it was read or written. */
  void saveIfChanged() throws TargetException {
    if (!changed) {
      return;
    }
    ObjectNode root = Cluster.JSON.createObjectNode();
    root.put("revision", revision);
    ObjectNode hooks = root.putObject("hooks");
    runs.forEach(
        (id, run) ->
            hooks.putObject(id).put("outcome", run.outcome().name()).put("message", run.message()));
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name(application))
            .withNamespace(cluster.settings.inventoryNamespace())
            .withResourceVersion(resourceVersion)
            .addToLabels(OwnershipMarks.MANAGED_BY_LABEL, OwnershipMarks.MANAGED_BY_VALUE)
            .endMetadata()
            .addToData(KEY, root.toString())
            .build();
    try {
      var maps = cluster.client.configMaps().inNamespace(cluster.settings.inventoryNamespace());
      ConfigMap written =
          resourceVersion == null ? maps.resource(map).create() : maps.resource(map).update();
      resourceVersion = written.getMetadata().getResourceVersion();
      changed = false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new TargetException(
            "the hook runs of " + application + " were changed by another writer; retrying", true);
      }
      throw Errors.observe("write the hook runs of " + application, e);
    }
  }
}
