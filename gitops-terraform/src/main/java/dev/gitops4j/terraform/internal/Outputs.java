package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.gitops4j.terraform.TerraformOutput;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The root outputs of the state as last seen: the refreshed prior state of each plan, then the
 * {@code outputs} message of each apply. Reading plans too means a process that restarted, or whose
 * passes found nothing to apply, still knows them. Sensitive values are never kept, only a marker
 * that does not change with the value. Thread-safe.
 */
final class Outputs {

  private static final JsonNode SENSITIVE = SensitiveValues.marker(MissingNode.getInstance());

  private volatile Map<String, TerraformOutput> outputs = Map.of();
  private volatile boolean known;

  /** Keeps the outputs of an apply's UI stream, if it printed them. */
  void read(List<JsonNode> messages) {
    for (JsonNode message : messages) {
      if ("outputs".equals(message.path("type").asText())) {
        outputs = parse(message.path("outputs"));
        known = true;
      }
    }
  }

  /** Keeps the outputs of a {@code show -json} plan's prior state, when there is a state. */
  void readState(JsonNode plan) {
    JsonNode state = plan.path("prior_state");
    if (!state.isMissingNode()) {
      outputs = parse(state.path("values").path("outputs"));
    }
    known = true;
  }

  /** Whether a plan or an apply of this process told the outputs (none yet after a restart). */
  boolean known() {
    return known;
  }

  Map<String, TerraformOutput> get() {
    return outputs;
  }

  private static Map<String, TerraformOutput> parse(JsonNode entries) {
    Map<String, TerraformOutput> read = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = entries.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      boolean sensitive = entry.getValue().path("sensitive").asBoolean(false);
      JsonNode value = sensitive ? SENSITIVE : entry.getValue().path("value").deepCopy();
      read.put(entry.getKey(), new TerraformOutput(entry.getKey(), value, sensitive));
    }
    return Map.copyOf(read);
  }
}
