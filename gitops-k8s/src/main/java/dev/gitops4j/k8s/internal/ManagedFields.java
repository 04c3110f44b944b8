package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads {@code metadata.managedFields} ({@code FieldsV1}) into JSON Pointers into the live object.
 * Keys are {@code f:<field>}, {@code k:<json key fields>} (list element by key), {@code v:<json
 * value>} (set element), {@code i:<index>} and {@code .} (the node itself).
 */
public final class ManagedFields {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ManagedFields() {}

  /**
   * Pointers of the leaf fields of {@code live} owned by a manager matching {@code manager}; array
   * elements are located in {@code live}, so the pointers are concrete indexes.
   */
  public static List<String> ownedBy(JsonNode live, Predicate<String> manager) {
    List<String> out = new ArrayList<>();
    for (JsonNode entry : live.path("metadata").path("managedFields")) {
      if (!manager.test(entry.path("manager").asText(""))) {
        continue;
      }
      JsonNode fields = entry.path("fieldsV1");
      if (fields.isObject()) {
        walk(fields, live, "", out);
      }
    }
    return out;
  }

  /**
   * Whether every one of {@code managers} changed {@code live} only imperatively: each has at least
   * one {@code managedFields} entry and all its entries have {@code operation: Update} (a {@code
   * kubectl edit}, a client update or patch), none {@code Apply} (another declarative owner).
   */
  public static boolean onlyImperative(JsonNode live, java.util.Collection<String> managers) {
    if (live == null || managers.isEmpty()) {
      return false;
    }
    for (String manager : managers) {
      boolean seen = false;
      for (JsonNode entry : live.path("metadata").path("managedFields")) {
        if (!manager.equals(entry.path("manager").asText(null))) {
          continue;
        }
        if (!"Update".equals(entry.path("operation").asText(""))) {
          return false;
        }
        seen = true;
      }
      if (!seen) {
        return false;
      }
    }
    return true;
  }

  private static void walk(JsonNode fields, JsonNode live, String pointer, List<String> out) {
    Iterator<Map.Entry<String, JsonNode>> it = fields.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      if (key.equals(".")) {
        continue;
      }
      String child;
      JsonNode liveChild;
      if (key.startsWith("f:")) {
        String name = key.substring(2);
        child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
        liveChild = live == null ? null : live.get(name);
      } else if (key.startsWith("k:") || key.startsWith("v:") || key.startsWith("i:")) {
        int index = locate(key, live);
        if (index < 0) {
          continue; // the element is gone from the live object
        }
        child = pointer + "/" + index;
        liveChild = live.get(index);
      } else {
        continue;
      }
      JsonNode sub = field.getValue();
      boolean leaf = !sub.isObject() || sub.size() == 0 || (sub.size() == 1 && sub.has("."));
      if (leaf) {
        out.add(child);
      } else {
        walk(sub, liveChild, child, out);
      }
    }
  }

  private static int locate(String key, JsonNode array) {
    if (array == null || !array.isArray()) {
      return -1;
    }
    String payload = key.substring(2);
    if (key.startsWith("i:")) {
      try {
        int index = Integer.parseInt(payload);
        return index < array.size() ? index : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    JsonNode wanted;
    try {
      wanted = JSON.readTree(payload);
    } catch (IOException e) {
      return -1;
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      if (key.startsWith("v:") ? element.equals(wanted) : matchesKeys(element, wanted)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean matchesKeys(JsonNode element, JsonNode keys) {
    Iterator<Map.Entry<String, JsonNode>> it = keys.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> key = it.next();
      JsonNode value = element.get(key.getKey());
      if (value == null || !sameValue(value, key.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
