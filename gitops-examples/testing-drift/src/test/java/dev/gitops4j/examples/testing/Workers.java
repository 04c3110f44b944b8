package dev.gitops4j.examples.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gitops4j.model.ResourceId;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Worker manifests as the team writes them in Git. */
final class Workers {

  static final String NAMESPACE = "shop";

  private static final YAMLMapper YAML = new YAMLMapper();

  private Workers() {}

  static ResourceId id(String name) {
    return ResourceId.of(WorkerDrift.KIND, NAMESPACE, name);
  }

  /** A worker consuming {@code queue}, leaving concurrency, timeout and replicas to defaults. */
  static String yaml(String name, String queue) {
    return "apiVersion: shop.example/v1\n"
        + "kind: Worker\n"
        + "metadata:\n"
        + "  name: "
        + name
        + "\n"
        + "  namespace: "
        + NAMESPACE
        + "\n"
        + "spec:\n"
        + "  queue: "
        + queue
        + "\n";
  }

  /** Repository files, one per worker: {@code workers/<name>.yaml}; arguments are name, queue. */
  static Map<String, String> files(String... namesAndQueues) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndQueues.length; i += 2) {
      files.put(path(namesAndQueues[i]), yaml(namesAndQueues[i], namesAndQueues[i + 1]));
    }
    return files;
  }

  static String path(String name) {
    return "workers/" + name + ".yaml";
  }

  static JsonNode manifest(String name, String queue) {
    return parse(yaml(name, queue));
  }

  static JsonNode manifest(String name, String queue, int concurrency) {
    return parse(yaml(name, queue) + "  concurrency: " + concurrency + "\n");
  }

  private static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
