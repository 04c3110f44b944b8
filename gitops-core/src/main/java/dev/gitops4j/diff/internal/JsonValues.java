package dev.gitops4j.diff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** Value semantics shared by the differ, normalizers and tests. */
public final class JsonValues {

  /** Doubles hold every integer up to this magnitude exactly. */
  private static final long EXACT_IN_DOUBLE = 1L << 53;

  private JsonValues() {}

  /**
   * Equality of two nodes where at least one is not a container: numbers compare by value ({@code
   * 1}, {@code 1L} and {@code 1.0} are equal), everything else by {@link JsonNode#equals}.
   */
  public static boolean scalarEqual(JsonNode a, JsonNode b) {
    if (a == b) {
      return true;
    }
    if (a.isNumber() && b.isNumber()) {
      return numbersEqual(a, b);
    }
    return a.equals(b);
  }

  static boolean numbersEqual(JsonNode a, JsonNode b) {
    if (a.isIntegralNumber() && b.isIntegralNumber()) {
      if (a.canConvertToLong() && b.canConvertToLong()) {
        return a.longValue() == b.longValue();
      }
      return a.bigIntegerValue().equals(b.bigIntegerValue());
    }
    if (!a.isBigDecimal() && !b.isBigDecimal() && fitsDouble(a) && fitsDouble(b)) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    if (!isFinite(a) || !isFinite(b)) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    return a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  private static boolean fitsDouble(JsonNode n) {
    if (n.isDouble() || n.isFloat()) {
      return true;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      long v = n.longValue();
      return v <= EXACT_IN_DOUBLE && v >= -EXACT_IN_DOUBLE;
    }
    return false;
  }

  private static boolean isFinite(JsonNode n) {
    return !(n.isDouble() || n.isFloat()) || Double.isFinite(n.doubleValue());
  }

  /**
   * A hashable token equal for two key values exactly when {@link #scalarEqual} holds: used to
   * match large keyed arrays.
   */
  static Object keyToken(JsonNode key) {
    if (key.isTextual()) {
      return key.textValue();
    }
    if (key.isNumber()) {
      if (!isFinite(key)) {
        return key.doubleValue();
      }
      BigDecimal value = key.decimalValue().stripTrailingZeros();
      return value.signum() == 0 ? BigDecimal.ZERO : value;
    }
    return key;
  }

  /**
   * Whether a value counts as absent when empty values are treated as absent: missing, null, an
   * empty array, or an object whose every field is such a value.
   */
  public static boolean isEmpty(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return true;
    }
    if (node.isArray()) {
      return node.isEmpty();
    }
    if (node.isObject()) {
      if (node.isEmpty()) {
        return true;
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!isEmpty(field.getValue())) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Removes object fields whose value is empty in the sense of {@link #isEmpty}, at any depth.
   * Array elements are kept. Copy-on-write: returns the input when nothing is dropped.
   */
  public static JsonNode dropEmpty(JsonNode node) {
    return drop(node, true);
  }

  /** Removes object fields whose value is {@code null}, at any depth. Copy-on-write. */
  public static JsonNode dropNulls(JsonNode node) {
    return drop(node, false);
  }

  private static JsonNode drop(JsonNode node, boolean empties) {
    if (node.isObject()) {
      ObjectNode copy = null;
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      int seen = 0;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        JsonNode updated =
            (empties ? isEmpty(value) : value.isNull()) ? null : drop(value, empties);
        if (updated != value && copy == null) {
          copy = JsonNodeFactory.instance.objectNode();
          Iterator<Map.Entry<String, JsonNode>> earlier = node.properties().iterator();
          for (int i = 0; i < seen; i++) {
            Map.Entry<String, JsonNode> previous = earlier.next();
            copy.set(previous.getKey(), previous.getValue());
          }
        }
        if (copy != null && updated != null) {
          copy.set(field.getKey(), updated);
        }
        seen++;
      }
      return copy == null ? node : copy;
    }
    if (node.isArray()) {
      ArrayNode copy = null;
      for (int i = 0; i < node.size(); i++) {
        JsonNode value = node.get(i);
        JsonNode updated = drop(value, empties);
        if (updated != value && copy == null) {
          copy = JsonNodeFactory.instance.arrayNode(node.size());
          for (int j = 0; j < i; j++) {
            copy.add(node.get(j));
          }
        }
        if (copy != null) {
          copy.add(updated);
        }
      }
      return copy == null ? node : copy;
    }
    return node;
  }
}
