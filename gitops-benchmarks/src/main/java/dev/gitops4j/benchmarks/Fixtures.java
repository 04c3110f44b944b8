package dev.gitops4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Realistic Kubernetes objects of several sizes, built in code so every run sees the same input.
 */
final class Fixtures {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Fixtures() {}

  /** The differ a Kubernetes target uses: server-set fields stripped before comparing. */
  static dev.gitops4j.diff.StructuralDiffer serverFieldsDiffer() {
    return dev.gitops4j.diff.StructuralDiffer.of(
        dev.gitops4j.diff.DiffOptions.custom()
            .normalizer(
                dev.gitops4j.diff.Normalizers.removeFields(
                    "/status",
                    "/metadata/resourceVersion",
                    "/metadata/uid",
                    "/metadata/generation",
                    "/metadata/creationTimestamp",
                    "/metadata/managedFields"))
            .build());
  }

  /** A Deployment with {@code containers} containers, each with env, ports, probes and mounts. */
  static ObjectNode deployment(String name, int containers) {
    ObjectNode root = JSON.objectNode();
    root.put("apiVersion", "apps/v1");
    root.put("kind", "Deployment");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", "shop");
    ObjectNode labels = metadata.putObject("labels");
    labels.put("app", name);
    labels.put("tier", "frontend");
    labels.put("team", "payments");
    metadata.putObject("annotations").put("example.com/owner", "payments");
    ObjectNode spec = root.putObject("spec");
    spec.put("replicas", 3);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode podSpec = template.putObject("spec");
    podSpec.put("serviceAccountName", name);
    ArrayNode list = podSpec.putArray("containers");
    for (int c = 0; c < containers; c++) {
      ObjectNode container = list.addObject();
      container.put("name", "c" + c);
      container.put("image", "registry.example.com/shop/" + name + ":1.4." + c);
      ArrayNode ports = container.putArray("ports");
      ports.addObject().put("name", "http").put("containerPort", 8080 + c);
      ports.addObject().put("name", "metrics").put("containerPort", 9090 + c);
      ArrayNode env = container.putArray("env");
      for (int e = 0; e < 8; e++) {
        env.addObject().put("name", "SETTING_" + e).put("value", "value-" + e);
      }
      ObjectNode resources = container.putObject("resources");
      resources.putObject("requests").put("cpu", "100m").put("memory", "128Mi");
      resources.putObject("limits").put("cpu", "500m").put("memory", "512Mi");
      ObjectNode probe = container.putObject("readinessProbe");
      probe.putObject("httpGet").put("path", "/healthz").put("port", 8080 + c);
      probe.put("periodSeconds", 10);
      container
          .putArray("volumeMounts")
          .addObject()
          .put("name", "config")
          .put("mountPath", "/etc/" + name);
    }
    podSpec
        .putArray("volumes")
        .addObject()
        .put("name", "config")
        .putObject("configMap")
        .put("name", name);
    return root;
  }

  /** A ConfigMap with {@code keys} entries. */
  static ObjectNode configMap(String name, int keys) {
    ObjectNode root = JSON.objectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "ConfigMap");
    root.putObject("metadata").put("name", name).put("namespace", "shop");
    ObjectNode data = root.putObject("data");
    for (int k = 0; k < keys; k++) {
      data.put("key-" + k, "value-" + k + "-" + "x".repeat(32));
    }
    return root;
  }

  /** A CustomResourceDefinition with an OpenAPI schema of {@code properties} fields. */
  static ObjectNode crd(String plural, int properties) {
    ObjectNode root = JSON.objectNode();
    root.put("apiVersion", "apiextensions.k8s.io/v1");
    root.put("kind", "CustomResourceDefinition");
    root.putObject("metadata").put("name", plural + ".shop.example.com");
    ObjectNode spec = root.putObject("spec");
    spec.put("group", "shop.example.com");
    spec.put("scope", "Namespaced");
    spec.putObject("names").put("kind", "Widget").put("plural", plural);
    ObjectNode version = spec.putArray("versions").addObject();
    version.put("name", "v1").put("served", true).put("storage", true);
    ObjectNode props =
        version
            .putObject("schema")
            .putObject("openAPIV3Schema")
            .put("type", "object")
            .putObject("properties")
            .putObject("spec")
            .put("type", "object")
            .putObject("properties");
    for (int p = 0; p < properties; p++) {
      props
          .putObject("field" + p)
          .put("type", p % 2 == 0 ? "string" : "integer")
          .put("description", "Field number " + p + " of the widget specification.");
    }
    return root;
  }

  /** A copy of {@code deployment} as a server returns it: status, defaults and metadata added. */
  static ObjectNode asLive(JsonNode deployment) {
    ObjectNode live = deployment.deepCopy();
    ObjectNode metadata = (ObjectNode) live.get("metadata");
    metadata.put("resourceVersion", "4711");
    metadata.put("uid", "9c1f6a52-0f4e-4a55-9d7e-2f1e0a9b1c11");
    metadata.put("generation", 3);
    metadata.put("creationTimestamp", "2030-01-01T00:00:00Z");
    live.putObject("status")
        .put("replicas", 3)
        .put("readyReplicas", 3)
        .put("observedGeneration", 3);
    return live;
  }
}
