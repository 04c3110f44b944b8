package dev.gitops4j.diff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A JSON Pointer whose segments may be wildcards: {@code *} matches exactly one segment, {@code **}
 * any number of segments (zero or more). Array indices are matched as decimal segments.
 *
 * <p>Tree operations are copy-on-write: they return the input instance when nothing matches and
 * otherwise copy only the containers on the way to a match, so unchanged subtrees stay shared.
 */
public final class PointerPattern {

  private static final byte LITERAL = 0;
  private static final byte STAR = 1;
  private static final byte GLOBSTAR = 2;

  private final String text;
  private final String[] segments;
  private final int[] indexes;
  private final byte[] kinds;
  private final boolean hasGlobstar;

  private PointerPattern(String text, List<String> tokens) {
    this.text = text;
    int size = tokens.size();
    this.segments = tokens.toArray(new String[0]);
    this.indexes = new int[size];
    this.kinds = new byte[size];
    boolean globstar = false;
    for (int i = 0; i < size; i++) {
      String token = segments[i];
      indexes[i] = Pointers.index(token);
      kinds[i] = token.equals("*") ? STAR : token.equals("**") ? GLOBSTAR : LITERAL;
      globstar |= kinds[i] == GLOBSTAR;
    }
    this.hasGlobstar = globstar;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException naming the pattern when it is not a valid pointer, selects the
   *     whole document, or ends with {@code **}
   */
  public static PointerPattern parse(String pattern) {
    if (pattern == null) {
      throw new IllegalArgumentException("pointer pattern must not be null");
    }
    List<String> tokens = Pointers.parse(pattern);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(
          "pointer pattern \"" + pattern + "\" selects the whole document; name a field");
    }
    if (tokens.get(tokens.size() - 1).equals("**")) {
      throw new IllegalArgumentException(
          "pointer pattern \""
              + pattern
              + "\" ends with '**'; drop the '**' to select the parent with all it holds");
    }
    return new PointerPattern(pattern, tokens);
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }

  // ---------------------------------------------------------------- matching paths

  /** Whether the pattern matches exactly this path. */
  public boolean matches(List<String> path) {
    return match(path, 0, 0, false);
  }

  /** Whether the path is at or below a location the pattern matches. */
  public boolean covers(List<String> path) {
    return match(path, 0, 0, true);
  }

  private boolean match(List<String> path, int p, int s, boolean prefix) {
    if (s == segments.length) {
      return prefix || p == path.size();
    }
    if (kinds[s] == GLOBSTAR) {
      for (int skip = p; skip <= path.size(); skip++) {
        if (match(path, skip, s + 1, prefix)) {
          return true;
        }
      }
      return false;
    }
    if (p == path.size()) {
      return false;
    }
    return (kinds[s] == STAR || segments[s].equals(path.get(p)))
        && match(path, p + 1, s + 1, prefix);
  }

  /**
   * Whether the pattern matches the path held on a walk stack, where {@code names[i] == null} means
   * segment {@code i} is the array index {@code indexes[i]}. Allocation-free.
   */
  public boolean matchesStack(String[] names, int[] stackIndexes, int depth) {
    if (!hasGlobstar && depth != segments.length) {
      return false;
    }
    return matchStack(names, stackIndexes, depth, 0, 0);
  }

  private boolean matchStack(String[] names, int[] stackIndexes, int depth, int p, int s) {
    if (s == segments.length) {
      return p == depth;
    }
    if (kinds[s] == GLOBSTAR) {
      for (int skip = p; skip <= depth; skip++) {
        if (matchStack(names, stackIndexes, depth, skip, s + 1)) {
          return true;
        }
      }
      return false;
    }
    if (p == depth) {
      return false;
    }
    boolean same =
        kinds[s] == STAR
            || (names[p] == null ? indexes[s] == stackIndexes[p] : segments[s].equals(names[p]));
    return same && matchStack(names, stackIndexes, depth, p + 1, s + 1);
  }

  // ---------------------------------------------------------------- tree operations

  /** The tree without the matched locations; the input itself when nothing matches. */
  public JsonNode remove(JsonNode root) {
    return apply(root, 0, null, null);
  }

  /**
   * The tree with every matched location replaced by {@code replacer(pointer, value)}; the input
   * itself when nothing matches or every replacement returns the same instance.
   */
  public JsonNode replace(JsonNode root, BiFunction<String, JsonNode, JsonNode> replacer) {
    return apply(root, 0, new ArrayList<>(), replacer);
  }

  /**
   * Applies segment {@code s} onwards to {@code node}. With a null replacer matches are removed,
   * otherwise replaced; {@code path} is only tracked when replacing.
   */
  private JsonNode apply(
      JsonNode node, int s, List<String> path, BiFunction<String, JsonNode, JsonNode> replacer) {
    if (!node.isContainerNode()) {
      return node;
    }
    if (kinds[s] == GLOBSTAR) {
      JsonNode here = apply(node, s + 1, path, replacer);
      return mapChildren(here, s, path, replacer, false);
    }
    boolean last = s == segments.length - 1;
    if (kinds[s] == STAR) {
      if (last && replacer == null) {
        if (node.isEmpty()) {
          return node;
        }
        return node.isObject()
            ? JsonNodeFactory.instance.objectNode()
            : JsonNodeFactory.instance.arrayNode();
      }
      return mapChildren(node, s + 1, path, replacer, last);
    }
    if (node.isObject()) {
      JsonNode child = node.get(segments[s]);
      if (child == null) {
        return node;
      }
      JsonNode updated = step(segments[s], child, s, last, path, replacer);
      return updated == child ? node : withField((ObjectNode) node, segments[s], updated);
    }
    int index = indexes[s];
    if (index < 0 || index >= node.size()) {
      return node;
    }
    JsonNode child = node.get(index);
    JsonNode updated = step(segments[s], child, s, last, path, replacer);
    return updated == child ? node : withElement((ArrayNode) node, index, updated);
  }

  /** The new value of one matched child: null to remove it. */
  private JsonNode step(
      String token,
      JsonNode child,
      int s,
      boolean last,
      List<String> path,
      BiFunction<String, JsonNode, JsonNode> replacer) {
    if (path != null) {
      path.add(token);
    }
    try {
      if (last) {
        return replacer == null ? null : replacer.apply(Pointers.join(path), child);
      }
      return apply(child, s + 1, path, replacer);
    } finally {
      if (path != null) {
        path.remove(path.size() - 1);
      }
    }
  }

  /**
   * Maps every child: with {@code terminal} the child itself is the match, otherwise segment {@code
   * s} continues in it.
   */
  private JsonNode mapChildren(
      JsonNode node,
      int s,
      List<String> path,
      BiFunction<String, JsonNode, JsonNode> replacer,
      boolean terminal) {
    if (!node.isContainerNode()) {
      return node;
    }
    if (node.isObject()) {
      ObjectNode copy = null;
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode child = field.getValue();
        JsonNode updated =
            terminal
                ? step(field.getKey(), child, s, true, path, replacer)
                : descend(field.getKey(), child, s, path, replacer);
        if (updated != child && copy == null) {
          copy = JsonNodeFactory.instance.objectNode();
          copyFieldsBefore((ObjectNode) node, field.getKey(), copy);
        }
        if (copy != null && updated != null) {
          copy.set(field.getKey(), updated);
        }
      }
      return copy == null ? node : copy;
    }
    ArrayNode copy = null;
    for (int i = 0; i < node.size(); i++) {
      JsonNode child = node.get(i);
      String token = Integer.toString(i);
      JsonNode updated =
          terminal
              ? step(token, child, s, true, path, replacer)
              : descend(token, child, s, path, replacer);
      if (updated != child && copy == null) {
        copy = JsonNodeFactory.instance.arrayNode(node.size());
        for (int j = 0; j < i; j++) {
          copy.add(node.get(j));
        }
      }
      if (copy != null && updated != null) {
        copy.add(updated);
      }
    }
    return copy == null ? node : copy;
  }

  private JsonNode descend(
      String token,
      JsonNode child,
      int s,
      List<String> path,
      BiFunction<String, JsonNode, JsonNode> replacer) {
    if (path != null) {
      path.add(token);
    }
    try {
      return apply(child, s, path, replacer);
    } finally {
      if (path != null) {
        path.remove(path.size() - 1);
      }
    }
  }

  private static void copyFieldsBefore(ObjectNode source, String stop, ObjectNode target) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().equals(stop)) {
        return;
      }
      target.set(field.getKey(), field.getValue());
    }
  }

  /** A shallow copy with one field replaced (or removed when {@code value} is null). */
  static ObjectNode withField(ObjectNode node, String name, JsonNode value) {
    ObjectNode copy = JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getKey().equals(name)) {
        copy.set(field.getKey(), field.getValue());
      } else if (value != null) {
        copy.set(name, value);
      }
    }
    return copy;
  }

  /** A shallow copy with one element replaced (or removed when {@code value} is null). */
  static ArrayNode withElement(ArrayNode node, int index, JsonNode value) {
    ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
    for (int i = 0; i < node.size(); i++) {
      if (i != index) {
        copy.add(node.get(i));
      } else if (value != null) {
        copy.add(value);
      }
    }
    return copy;
  }
}
