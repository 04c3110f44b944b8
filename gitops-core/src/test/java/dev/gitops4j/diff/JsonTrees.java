package dev.gitops4j.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of JSON trees for property tests, plus an equality that is independent of the code
 * under test. A small vocabulary of field names and values makes generated trees overlap a lot.
 */
final class JsonTrees {

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Field names; {@code name} and {@code containerPort} are reserved for array keys. */
  static final List<String> FIELDS = List.of("a", "b", "c", "d", "x~y", "p/q");

  private JsonTrees() {}

  /** Objects nested up to {@code depth} levels. */
  static Arbitrary<JsonNode> objects(int depth) {
    return Arbitraries.maps(Arbitraries.of(FIELDS), values(depth - 1))
        .ofMaxSize(4)
        .map(
            fields -> {
              ObjectNode node = F.objectNode();
              fields.forEach(node::set);
              return node;
            });
  }

  static Arbitrary<JsonNode> values(int depth) {
    if (depth <= 0) {
      return scalars();
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, scalars()),
        net.jqwik.api.Tuple.of(3, objects(depth)),
        net.jqwik.api.Tuple.of(1, arrays(depth)),
        net.jqwik.api.Tuple.of(
            2, keyedArrays(depth, "name", Arbitraries.of("x", "y", "z", "w").map(F::textNode))),
        net.jqwik.api.Tuple.of(
            1,
            keyedArrays(
                depth,
                "containerPort",
                Arbitraries.of(80, 443, 8080).map(p -> (JsonNode) F.numberNode(p)))));
  }

  static Arbitrary<JsonNode> scalars() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 3).map(i -> (JsonNode) F.numberNode(i)),
        Arbitraries.of(1.0, 2.5).map(d -> (JsonNode) F.numberNode(d)),
        Arbitraries.of(1L, 3L).map(l -> (JsonNode) F.numberNode(l)),
        Arbitraries.of("s", "t", "1").map(F::textNode),
        Arbitraries.of(true, false).map(F::booleanNode),
        Arbitraries.just(F.nullNode()),
        Arbitraries.just(F.objectNode()),
        Arbitraries.just(F.arrayNode()));
  }

  static Arbitrary<JsonNode> arrays(int depth) {
    return values(depth - 1)
        .list()
        .ofMaxSize(3)
        .map(
            elements -> {
              ArrayNode node = F.arrayNode();
              elements.forEach(node::add);
              return node;
            });
  }

  /** Arrays of objects with unique values under {@code key}, in any order. */
  static Arbitrary<JsonNode> keyedArrays(int depth, String key, Arbitrary<JsonNode> keys) {
    Arbitrary<List<JsonNode>> uniqueKeys = keys.list().ofMaxSize(3).uniqueElements();
    return Combinators.combine(uniqueKeys, objects(depth - 1).list().ofSize(3))
        .as(
            (names, bodies) -> {
              ArrayNode node = F.arrayNode();
              for (int i = 0; i < names.size(); i++) {
                ObjectNode element = F.objectNode();
                element.set(key, names.get(i));
                element.setAll((ObjectNode) bodies.get(i));
                node.add(element);
              }
              return node;
            });
  }

  // ------------------------------------------------------------------ independent semantics

  /**
   * Equality with numbers by value and, when {@code emptyAsAbsent}, object fields holding null,
   * {@code []} or only such values equal to missing fields. Arrays compare in order.
   */
  static boolean same(JsonNode x, JsonNode y, boolean emptyAsAbsent) {
    if (x.isNumber() && y.isNumber()) {
      return new BigDecimal(x.asText()).compareTo(new BigDecimal(y.asText())) == 0;
    }
    if (x.isObject() && y.isObject()) {
      List<String> names = new ArrayList<>();
      x.fieldNames().forEachRemaining(names::add);
      y.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode vx = x.get(name);
        JsonNode vy = y.get(name);
        if (emptyAsAbsent && blank(vx) && blank(vy)) {
          continue;
        }
        if (vx == null || vy == null || !same(vx, vy, emptyAsAbsent)) {
          return false;
        }
      }
      return true;
    }
    if (x.isArray() && y.isArray()) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i), emptyAsAbsent)) {
          return false;
        }
      }
      return true;
    }
    return x.equals(y);
  }

  static boolean blank(JsonNode node) {
    if (node == null || node.isNull()) {
      return true;
    }
    if (node.isArray()) {
      return node.size() == 0;
    }
    if (node.isObject()) {
      for (JsonNode value : node) {
        if (!blank(value)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** The node at the path, or null. */
  static JsonNode at(JsonNode node, List<String> tokens) {
    for (String token : tokens) {
      if (node == null) {
        return null;
      }
      node = node.isArray() ? node.get(index(token)) : node.get(token);
    }
    return node;
  }

  /**
   * The live node at a path in desired coordinates: in arrays whose elements all carry one of the
   * keys with unique values, on both sides, the live element with the desired element's key.
   */
  static JsonNode liveAt(JsonNode live, JsonNode desired, List<String> tokens, List<String> keys) {
    for (String token : tokens) {
      if (live == null || desired == null) {
        return null;
      }
      if (live.isArray() && desired.isArray()) {
        JsonNode want = desired.get(index(token));
        String key = null;
        for (String candidate : keys) {
          if (key == null && keyed(live, candidate) && keyed(desired, candidate)) {
            key = candidate;
          }
        }
        JsonNode found = null;
        if (key != null && want != null) {
          for (JsonNode element : live) {
            if (same(element.get(key), want.get(key), false)) {
              found = element;
            }
          }
        } else {
          found = live.get(index(token));
        }
        live = found;
        desired = want;
      } else {
        live = live.get(token);
        desired = desired.get(token);
      }
    }
    return live;
  }

  private static boolean keyed(JsonNode array, String key) {
    if (array.size() == 0) {
      return true;
    }
    List<JsonNode> seen = new ArrayList<>();
    for (JsonNode element : array) {
      JsonNode value = element.get(key);
      if (!element.isObject() || value == null || !value.isValueNode() || value.isNull()) {
        return false;
      }
      for (JsonNode other : seen) {
        if (same(other, value, false)) {
          return false;
        }
      }
      seen.add(value);
    }
    return true;
  }

  private static int index(String token) {
    return token.chars().allMatch(Character::isDigit) && !token.isEmpty()
        ? Integer.parseInt(token)
        : -1;
  }

  /** A text form insensitive to object field order and to the order of every array. */
  static String unordered(JsonNode node) {
    if (node.isObject()) {
      Map<String, String> fields = new TreeMap<>();
      node.properties()
          .iterator()
          .forEachRemaining(f -> fields.put(f.getKey(), unordered(f.getValue())));
      return fields.toString();
    }
    if (node.isArray()) {
      List<String> elements = new ArrayList<>();
      node.forEach(element -> elements.add(unordered(element)));
      elements.sort(null);
      return elements.toString();
    }
    return node.toString();
  }
}
