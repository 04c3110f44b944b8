package dev.gitops4j.diff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.Change;
import java.util.List;

/**
 * Applies a change list in order, with JSON Patch semantics: {@code ADD} sets an object field or
 * inserts into an array, {@code REMOVE} deletes, {@code REPLACE} overwrites. {@code REMOVE} and
 * {@code REPLACE} check that the current value equals the change's old value.
 */
public final class JsonPatcher {

  private JsonPatcher() {}

  /**
   * A patched copy of {@code root}; the input is not modified.
   *
   * @throws IllegalArgumentException naming the path when a change does not apply
   */
  public static JsonNode apply(JsonNode root, List<Change> changes) {
    JsonNode result = root.deepCopy();
    for (Change change : changes) {
      result = apply(result, change);
    }
    return result;
  }

  private static JsonNode apply(JsonNode root, Change change) {
    List<String> path = Pointers.parse(change.path());
    if (path.isEmpty()) {
      expectOld(root, change);
      if (change.op() == Change.Op.REMOVE) {
        throw new IllegalArgumentException("cannot remove the document root");
      }
      return change.newValue().deepCopy();
    }
    JsonNode parent = root;
    for (String token : path.subList(0, path.size() - 1)) {
      parent = child(parent, token, change);
    }
    String last = path.get(path.size() - 1);
    if (parent.isObject()) {
      ObjectNode object = (ObjectNode) parent;
      switch (change.op()) {
        case ADD -> object.set(last, change.newValue().deepCopy());
        case REPLACE -> {
          expectOld(child(parent, last, change), change);
          object.set(last, change.newValue().deepCopy());
        }
        case REMOVE -> {
          expectOld(child(parent, last, change), change);
          object.remove(last);
        }
      }
      return root;
    }
    if (!parent.isArray()) {
      throw new IllegalArgumentException(change.path() + ": parent is not a container");
    }
    ArrayNode array = (ArrayNode) parent;
    int index = Pointers.index(last);
    switch (change.op()) {
      case ADD -> {
        if (index < 0 || index > array.size()) {
          throw new IllegalArgumentException(change.path() + ": index out of range");
        }
        array.insert(index, change.newValue().deepCopy());
      }
      case REPLACE -> {
        expectOld(child(parent, last, change), change);
        array.set(index, change.newValue().deepCopy());
      }
      case REMOVE -> {
        expectOld(child(parent, last, change), change);
        array.remove(index);
      }
    }
    return root;
  }

  private static JsonNode child(JsonNode parent, String token, Change change) {
    JsonNode child = parent.isArray() ? parent.get(Pointers.index(token)) : parent.get(token);
    if (child == null) {
      throw new IllegalArgumentException(change.path() + ": no value at '" + token + "'");
    }
    return child;
  }

  private static void expectOld(JsonNode current, Change change) {
    if (change.op() != Change.Op.ADD && !current.equals(change.oldValue())) {
      throw new IllegalArgumentException(
          change.path() + ": expected " + change.oldValue() + " but found " + current);
    }
  }
}
