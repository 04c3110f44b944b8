package dev.gitops4j.render.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Describes values in messages by type only, so a message never repeats a value. */
final class TypeDescriptions {

  private TypeDescriptions() {}

  static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "a string";
    }
    return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " value";
  }
}
