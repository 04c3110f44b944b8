package dev.gitops4j.diff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.Change;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Structural comparison of two JSON trees (live against desired).
 *
 * <p>Change order and paths are defined so the list applies in sequence, like a JSON Patch, to the
 * live tree {@linkplain #align aligned} to the desired one:
 *
 * <ul>
 *   <li>objects: desired fields in desired order, then fields only live has, in live order;
 *   <li>arrays matched by index: common prefix element by element, then additions in ascending
 *       order or removals in descending order;
 *   <li>arrays matched by key: the aligned live array holds the matched elements in desired order
 *       followed by the unmatched ones in live order; removals of unmatched elements come first, in
 *       descending index order, then each desired element in order (its changes, or its addition at
 *       its desired index).
 * </ul>
 *
 * <p>With {@code emptyAsAbsent}, an object field whose value is {@linkplain JsonValues#isEmpty
 * empty} compares as if it were absent. Equal trees are compared without allocating beyond one
 * small walk state.
 */
public final class TreeDiff {

  private static final int SMALL = 16;

  private final boolean emptyAsAbsent;
  private final PointerPattern[] keyPaths;
  private final String[] keyNames;
  private final String[] defaultKeys;

  /**
   * @param emptyAsAbsent treat empty values of object fields as absent
   * @param arrayKeys key field per array location pattern
   * @param defaultKeys key fields tried in order for other arrays
   */
  public TreeDiff(
      boolean emptyAsAbsent, Map<PointerPattern, String> arrayKeys, List<String> defaultKeys) {
    this.emptyAsAbsent = emptyAsAbsent;
    this.keyPaths = arrayKeys.keySet().toArray(new PointerPattern[0]);
    this.keyNames = arrayKeys.values().toArray(new String[0]);
    this.defaultKeys = defaultKeys.toArray(new String[0]);
  }

  /** Changes that turn {@code live} into {@code desired}; an immutable empty list when equal. */
  public List<Change> diff(JsonNode live, JsonNode desired) {
    Walk walk = new Walk();
    walk.node(live, desired);
    return walk.changes == null ? List.of() : walk.changes;
  }

  /**
   * {@code live} with every array matched by key reordered like the desired one (matched elements
   * in desired order, then unmatched ones in live order). Copy-on-write.
   */
  public JsonNode align(JsonNode live, JsonNode desired) {
    return new Walk().align(live, desired);
  }

  private final class Walk {
    private String[] names = new String[16];
    private int[] indexes = new int[16];
    private int depth;
    private List<Change> changes;

    // ------------------------------------------------------------ path stack

    private void push(String name) {
      grow();
      names[depth] = name;
      depth++;
    }

    private void push(int index) {
      grow();
      names[depth] = null;
      indexes[depth] = index;
      depth++;
    }

    private void pop() {
      depth--;
    }

    private void grow() {
      if (depth == names.length) {
        names = Arrays.copyOf(names, depth * 2);
        indexes = Arrays.copyOf(indexes, depth * 2);
      }
    }

    private String pointer() {
      StringBuilder out = new StringBuilder(depth * 12);
      for (int i = 0; i < depth; i++) {
        out.append('/');
        if (names[i] == null) {
          out.append(indexes[i]);
        } else {
          Pointers.appendEscaped(out, names[i]);
        }
      }
      return out.toString();
    }

    private void emit(Change.Op op, JsonNode oldValue, JsonNode newValue) {
      if (changes == null) {
        changes = new ArrayList<>();
      }
      changes.add(new Change(op, pointer(), oldValue, newValue));
    }

    private void emitAt(String name, Change.Op op, JsonNode oldValue, JsonNode newValue) {
      push(name);
      emit(op, oldValue, newValue);
      pop();
    }

    private void emitAt(int index, Change.Op op, JsonNode oldValue, JsonNode newValue) {
      push(index);
      emit(op, oldValue, newValue);
      pop();
    }

    // ------------------------------------------------------------ diff

    void node(JsonNode live, JsonNode desired) {
      if (live == desired) {
        return;
      }
      if (live.isObject() && desired.isObject()) {
        objects(live, desired);
      } else if (live.isArray() && desired.isArray()) {
        arrays(live, desired);
      } else if (!JsonValues.scalarEqual(live, desired)) {
        emit(Change.Op.REPLACE, live, desired);
      }
    }

    // Objects are walked with forEachEntry and callbacks bound once per walk, so comparing equal
    // objects allocates no iterators; the object pair being walked lives in fields, saved around
    // nested objects.
    private final BiConsumer<String, JsonNode> desiredField = this::desiredField;
    private final BiConsumer<String, JsonNode> liveOnlyField = this::liveOnlyField;
    private JsonNode liveObject;
    private JsonNode desiredObject;
    private int matched;

    private void objects(JsonNode live, JsonNode desired) {
      JsonNode outerLive = liveObject;
      JsonNode outerDesired = desiredObject;
      int outerMatched = matched;
      liveObject = live;
      desiredObject = desired;
      matched = 0;
      desired.forEachEntry(desiredField);
      if (matched < live.size()) {
        live.forEachEntry(liveOnlyField);
      }
      liveObject = outerLive;
      desiredObject = outerDesired;
      matched = outerMatched;
    }

    private void desiredField(String name, JsonNode want) {
      JsonNode have = liveObject.get(name);
      if (have != null) {
        matched++;
      }
      // Two objects recurse directly: inside them empty fields still compare as absent.
      boolean objects = have != null && have.isObject() && want.isObject();
      if (emptyAsAbsent && !objects) {
        boolean wantAbsent = JsonValues.isEmpty(want);
        boolean haveAbsent = have == null || JsonValues.isEmpty(have);
        if (wantAbsent || haveAbsent) {
          if (!wantAbsent) {
            emitAt(name, Change.Op.ADD, null, want);
          } else if (!haveAbsent) {
            emitAt(name, Change.Op.REMOVE, have, null);
          }
          return;
        }
      } else if (have == null) {
        emitAt(name, Change.Op.ADD, null, want);
        return;
      }
      push(name);
      node(have, want);
      pop();
    }

    private void liveOnlyField(String name, JsonNode have) {
      if (!desiredObject.has(name) && !(emptyAsAbsent && JsonValues.isEmpty(have))) {
        emitAt(name, Change.Op.REMOVE, have, null);
      }
    }

    private void arrays(JsonNode live, JsonNode desired) {
      String key = keyFor(live, desired);
      if (key == null || sameKeyOrder(live, desired, key)) {
        indexed(live, desired);
      } else {
        keyed(live, desired, key);
      }
    }

    private void indexed(JsonNode live, JsonNode desired) {
      int common = Math.min(live.size(), desired.size());
      for (int i = 0; i < common; i++) {
        push(i);
        node(live.get(i), desired.get(i));
        pop();
      }
      for (int i = common; i < desired.size(); i++) {
        emitAt(i, Change.Op.ADD, null, desired.get(i));
      }
      for (int i = live.size() - 1; i >= common; i--) {
        emitAt(i, Change.Op.REMOVE, live.get(i), null);
      }
    }

    private void keyed(JsonNode live, JsonNode desired, String key) {
      int[] match = match(live, desired, key);
      boolean[] used = new boolean[live.size()];
      int matched = 0;
      for (int m : match) {
        if (m >= 0) {
          used[m] = true;
          matched++;
        }
      }
      int position = live.size() - 1;
      for (int i = live.size() - 1; i >= 0; i--) {
        if (!used[i]) {
          emitAt(position, Change.Op.REMOVE, live.get(i), null);
          position--;
        }
      }
      assert position == matched - 1;
      for (int j = 0; j < desired.size(); j++) {
        if (match[j] >= 0) {
          push(j);
          node(live.get(match[j]), desired.get(j));
          pop();
        } else {
          emitAt(j, Change.Op.ADD, null, desired.get(j));
        }
      }
    }

    // ------------------------------------------------------------ align

    JsonNode align(JsonNode live, JsonNode desired) {
      if (live == desired) {
        return live;
      }
      if (live.isObject() && desired.isObject()) {
        ObjectNode copy = null;
        int seen = 0;
        for (Map.Entry<String, JsonNode> field : live.properties()) {
          JsonNode have = field.getValue();
          JsonNode want = desired.get(field.getKey());
          JsonNode aligned = have;
          if (want != null) {
            push(field.getKey());
            aligned = align(have, want);
            pop();
          }
          if (aligned != have && copy == null) {
            copy = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> earlier = live.properties().iterator();
            for (int i = 0; i < seen; i++) {
              Map.Entry<String, JsonNode> previous = earlier.next();
              copy.set(previous.getKey(), previous.getValue());
            }
          }
          if (copy != null) {
            copy.set(field.getKey(), aligned);
          }
          seen++;
        }
        return copy == null ? live : copy;
      }
      if (!live.isArray() || !desired.isArray()) {
        return live;
      }
      String key = keyFor(live, desired);
      if (key == null || sameKeyOrder(live, desired, key)) {
        ArrayNode copy = null;
        int common = Math.min(live.size(), desired.size());
        for (int i = 0; i < live.size(); i++) {
          JsonNode have = live.get(i);
          JsonNode aligned = have;
          if (i < common) {
            push(i);
            aligned = align(have, desired.get(i));
            pop();
          }
          if (aligned != have && copy == null) {
            copy = JsonNodeFactory.instance.arrayNode(live.size());
            for (int j = 0; j < i; j++) {
              copy.add(live.get(j));
            }
          }
          if (copy != null) {
            copy.add(aligned);
          }
        }
        return copy == null ? live : copy;
      }
      int[] match = match(live, desired, key);
      boolean[] used = new boolean[live.size()];
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(live.size());
      for (int j = 0; j < desired.size(); j++) {
        if (match[j] >= 0) {
          used[match[j]] = true;
          push(j);
          copy.add(align(live.get(match[j]), desired.get(j)));
          pop();
        }
      }
      for (int i = 0; i < live.size(); i++) {
        if (!used[i]) {
          copy.add(live.get(i));
        }
      }
      return copy;
    }

    // ------------------------------------------------------------ keyed arrays

    /** The key field matching these arrays, or null to match by index. */
    private String keyFor(JsonNode live, JsonNode desired) {
      if (live.isEmpty() && desired.isEmpty()) {
        return null;
      }
      for (int i = 0; i < keyPaths.length; i++) {
        if (keyPaths[i].matchesStack(names, indexes, depth)) {
          String key = keyNames[i];
          return usable(live, key) && usable(desired, key) ? key : null;
        }
      }
      for (String key : defaultKeys) {
        if (usable(live, key) && usable(desired, key)) {
          return key;
        }
      }
      return null;
    }
  }

  /** Every element is an object with a scalar value under {@code key}, unique in the array. */
  private static boolean usable(JsonNode array, String key) {
    int size = array.size();
    for (int i = 0; i < size; i++) {
      JsonNode element = array.get(i);
      if (!element.isObject()) {
        return false;
      }
      JsonNode value = element.get(key);
      if (value == null || !value.isValueNode() || value.isNull()) {
        return false;
      }
    }
    if (size <= SMALL) {
      for (int i = 0; i < size; i++) {
        JsonNode value = array.get(i).get(key);
        for (int j = i + 1; j < size; j++) {
          if (JsonValues.scalarEqual(value, array.get(j).get(key))) {
            return false;
          }
        }
      }
      return true;
    }
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < size; i++) {
      if (!seen.add(JsonValues.keyToken(array.get(i).get(key)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameKeyOrder(JsonNode live, JsonNode desired, String key) {
    if (live.size() != desired.size()) {
      return false;
    }
    for (int i = 0; i < live.size(); i++) {
      if (!JsonValues.scalarEqual(live.get(i).get(key), desired.get(i).get(key))) {
        return false;
      }
    }
    return true;
  }

  /** For each desired element, the index of the live element with the same key, or -1. */
  private static int[] match(JsonNode live, JsonNode desired, String key) {
    int[] match = new int[desired.size()];
    if (live.size() <= SMALL) {
      for (int j = 0; j < desired.size(); j++) {
        JsonNode want = desired.get(j).get(key);
        match[j] = -1;
        for (int i = 0; i < live.size(); i++) {
          if (JsonValues.scalarEqual(want, live.get(i).get(key))) {
            match[j] = i;
            break;
          }
        }
      }
      return match;
    }
    Map<Object, Integer> byKey = new HashMap<>();
    for (int i = 0; i < live.size(); i++) {
      byKey.put(JsonValues.keyToken(live.get(i).get(key)), i);
    }
    for (int j = 0; j < desired.size(); j++) {
      Integer i = byKey.get(JsonValues.keyToken(desired.get(j).get(key)));
      match[j] = i == null ? -1 : i;
    }
    return match;
  }
}
