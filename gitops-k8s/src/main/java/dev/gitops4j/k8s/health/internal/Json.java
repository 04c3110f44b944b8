package dev.gitops4j.k8s.health.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Null-safe reads from a Kubernetes object tree. */
public final class Json {

  private Json() {}

  /** The node at {@code path}, or a missing node. */
  public static JsonNode at(JsonNode node, String... path) {
    JsonNode current = node;
    for (String field : path) {
      if (current == null || current.isMissingNode() || current.isNull()) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      current = current.path(field);
    }
    return current == null
        ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
        : current;
  }

  /** Text at {@code path}, or {@code ""}. */
  public static String text(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isValueNode() ? value.asText() : "";
  }

  /** Long at {@code path}, or {@code fallback} when absent or not a number. */
  public static long number(JsonNode node, long fallback, String... path) {
    JsonNode value = at(node, path);
    if (value.isNumber()) {
      return value.asLong();
    }
    if (value.isTextual()) {
      try {
        return Long.parseLong(value.asText());
      } catch (NumberFormatException notANumber) {
        return fallback;
      }
    }
    return fallback;
  }

  /** True when the value at {@code path} is present and not null. */
  public static boolean has(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return !value.isMissingNode() && !value.isNull();
  }

  /** The condition of {@code type} in {@code status.conditions}, if any. */
  public static Optional<JsonNode> condition(JsonNode object, String type) {
    for (JsonNode condition : at(object, "status", "conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return Optional.of(condition);
      }
    }
    return Optional.empty();
  }

  /** True when the condition of {@code type} has status {@code status}. */
  public static boolean conditionIs(JsonNode object, String type, String status) {
    return condition(object, type).map(c -> status.equals(c.path("status").asText())).orElse(false);
  }

  /** The message of a condition, falling back to its reason. */
  public static String describe(JsonNode condition) {
    String message = condition.path("message").asText("");
    String reason = condition.path("reason").asText("");
    if (message.isEmpty()) {
      return reason;
    }
    return reason.isEmpty() ? message : reason + ": " + message;
  }
}
