package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.terraform.TerraformOutput;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The root outputs printed by the last apply, read from its {@code outputs} message (the CLI leaves
 * out the values of sensitive outputs there; they are marked, never read). Thread-safe.
 */
final class Outputs {

  private volatile Map<String, TerraformOutput> outputs = Map.of();

  /** Keeps the outputs of an apply's UI stream, if it printed them. */
  void read(List<JsonNode> messages) {
    for (JsonNode message : messages) {
      if (!"outputs".equals(message.path("type").asText())) {
        continue;
      }
      Map<String, TerraformOutput> read = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it =
              message.path("outputs").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        boolean sensitive = entry.getValue().path("sensitive").asBoolean(false);
        JsonNode value = entry.getValue().path("value");
        read.put(
            entry.getKey(),
            new TerraformOutput(
                entry.getKey(),
                sensitive ? SensitiveValues.marker(value) : value.deepCopy(),
                sensitive));
      }
      outputs = Map.copyOf(read);
    }
  }

  Map<String, TerraformOutput> get() {
    return outputs;
  }
}
