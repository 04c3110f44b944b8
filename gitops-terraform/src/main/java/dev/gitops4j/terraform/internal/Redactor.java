package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes secret values from the CLI's text before it reaches a log line, an event, an error or the
 * history. The CLI hides sensitive values in its own messages, but providers quote attribute values
 * in their diagnostics ({@code open /data/<the secret>/x: not a directory}), and those pass through
 * unchanged.
 *
 * <p>The secrets are the values of every variable set from code until a plan has shown which
 * variables are sensitive, then the values the plan marks sensitive: sensitive variables (from
 * code, {@code .tfvars} or decrypted files alike), sensitive resource attributes and outputs.
 * Values shorter than {@value #MIN_LENGTH} characters are not searched for, since they would match
 * ordinary text. A value transformed before it is quoted (base64, say) is not recognised.
 * Thread-safe.
 */
public final class Redactor {

  /** What a secret becomes. */
  public static final String REDACTED = "<redacted>";

  static final int MIN_LENGTH = 4;

  private volatile List<String> secrets;
  private volatile boolean learned;

  /** A redactor that starts with the values of the variables set from code. */
  public Redactor(Collection<String> codeVariables) {
    this.secrets = ordered(codeVariables);
  }

  /**
   * Replaces the secrets with what a {@code show -json} plan marks sensitive; from then on, values
   * of variables the configuration does not mark sensitive stay readable.
   */
  public void learn(JsonNode plan) {
    Set<String> found = new HashSet<>();
    JsonNode declared = plan.path("configuration").path("root_module").path("variables");
    for (Iterator<Map.Entry<String, JsonNode>> it = plan.path("variables").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> variable = it.next();
      if (declared.path(variable.getKey()).path("sensitive").asBoolean(false)) {
        leaves(variable.getValue().path("value"), found);
      }
    }
    for (JsonNode resource : plan.path("resource_changes")) {
      JsonNode change = resource.path("change");
      masked(change.path("before"), change.path("before_sensitive"), found);
      masked(change.path("after"), change.path("after_sensitive"), found);
    }
    for (JsonNode change : plan.path("output_changes")) {
      masked(change.path("before"), change.path("before_sensitive"), found);
      masked(change.path("after"), change.path("after_sensitive"), found);
    }
    priorState(plan.path("prior_state").path("values").path("root_module"), found);
    secrets = ordered(found);
    learned = true;
  }

  /** Whether a plan has told which values are sensitive. */
  boolean learned() {
    return learned;
  }

  /** {@code text} with every secret replaced by {@value #REDACTED}. */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      if (out.contains(secret)) {
        out = out.replace(secret, REDACTED);
      }
    }
    return out;
  }

  /** A UI stream message with every text redacted; {@code outputs} messages carry data, kept. */
  public JsonNode redact(JsonNode message) {
    if ("outputs".equals(message.path("type").asText())) {
      return message;
    }
    return redactTexts(message);
  }

  private JsonNode redactTexts(JsonNode node) {
    if (node.isTextual()) {
      String text = node.textValue();
      String redacted = redact(text);
      return redacted.equals(text) ? node : TextNode.valueOf(redacted);
    }
    if (node.isObject()) {
      ObjectNode copy = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode redacted = redactTexts(field.getValue());
        if (redacted != field.getValue()) {
          if (copy == null) {
            copy = ((ObjectNode) node).deepCopy();
          }
          copy.set(field.getKey(), redacted);
        }
      }
      return copy == null ? node : copy;
    }
    if (node.isArray()) {
      ArrayNode copy = null;
      for (int i = 0; i < node.size(); i++) {
        JsonNode redacted = redactTexts(node.get(i));
        if (redacted != node.get(i)) {
          if (copy == null) {
            copy = ((ArrayNode) node).deepCopy();
          }
          copy.set(i, redacted);
        }
      }
      return copy == null ? node : copy;
    }
    return node;
  }

  private static void priorState(JsonNode module, Set<String> found) {
    for (JsonNode resource : module.path("resources")) {
      masked(resource.path("values"), resource.path("sensitive_values"), found);
    }
    for (JsonNode child : module.path("child_modules")) {
      priorState(child, found);
    }
  }

  /** The scalar leaves of {@code value} under the parts of {@code mask} that are {@code true}. */
  private static void masked(JsonNode value, JsonNode mask, Set<String> found) {
    if (mask.isBoolean()) {
      if (mask.booleanValue()) {
        leaves(value, found);
      }
    } else if (mask.isObject() && value.isObject()) {
      mask.properties().forEach(e -> masked(value.path(e.getKey()), e.getValue(), found));
    } else if (mask.isArray() && value.isArray()) {
      for (int i = 0; i < mask.size() && i < value.size(); i++) {
        masked(value.get(i), mask.get(i), found);
      }
    }
  }

  private static void leaves(JsonNode value, Set<String> found) {
    if (value.isContainerNode()) {
      value.forEach(child -> leaves(child, found));
    } else if (value.isValueNode() && !value.isNull()) {
      found.add(value.asText());
    }
  }

  /** Long values first, so that a secret containing another is replaced whole. */
  private static List<String> ordered(Collection<String> values) {
    return values.stream()
        .filter(v -> v != null && v.length() >= MIN_LENGTH)
        .distinct()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
  }
}
