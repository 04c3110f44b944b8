package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.model.Change;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Redaction of sensitive values as the CLI marks them ({@code before_sensitive}, {@code
 * after_sensitive}, {@code sensitive_values}), markers for unknown values, and attribute-level
 * comparison of redacted trees.
 *
 * <p>A sensitive value becomes {@code <sensitive:3f9a0c81d2e4>}: an HMAC of the value under a key
 * that lives only in this process, so two plans in one process show whether a secret changed (and
 * plan ids change with it) while the marker reveals nothing about the value.
 */
public final class SensitiveValues {

  /** Shown where the value is known only after apply. */
  public static final String UNKNOWN = "<known after apply>";

  static final String MARKER_PREFIX = "<sensitive:";

  private static final byte[] KEY = new byte[32];
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  static {
    new SecureRandom().nextBytes(KEY);
  }

  private SensitiveValues() {}

  /** The value with every part that {@code mask} marks sensitive replaced by a marker. */
  public static JsonNode sensitive(JsonNode value, JsonNode mask) {
    if (value == null || value.isMissingNode()) {
      value = NullNode.getInstance();
    }
    if (mask == null || mask.isMissingNode() || mask.isNull()) {
      return value;
    }
    if (mask.isBoolean()) {
      return mask.booleanValue() ? marker(value) : value;
    }
    if (mask.isObject() && value.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        copy.set(name, sensitive(value.get(name), mask.get(name)));
      }
      return copy;
    }
    if (mask.isArray() && value.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < value.size(); i++) {
        copy.add(sensitive(value.get(i), mask.get(i)));
      }
      return copy;
    }
    return value;
  }

  /** The value with the parts {@code unknown} marks replaced (or added) as unknown. */
  public static JsonNode unknown(JsonNode value, JsonNode unknown) {
    if (value == null || value.isMissingNode()) {
      value = NullNode.getInstance();
    }
    if (unknown == null || unknown.isMissingNode() || unknown.isNull()) {
      return value;
    }
    if (unknown.isBoolean()) {
      return unknown.booleanValue() ? TextNode.valueOf(UNKNOWN) : value;
    }
    if (unknown.isObject() && (value.isObject() || value.isNull())) {
      ObjectNode copy =
          value.isObject()
              ? ((ObjectNode) value).deepCopy()
              : JsonNodeFactory.instance.objectNode();
      for (Iterator<String> names = unknown.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        JsonNode marked = unknown(copy.get(name), unknown.get(name));
        if (!marked.isNull() || copy.has(name)) {
          copy.set(name, marked);
        }
      }
      return copy;
    }
    if (unknown.isArray() && value.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < value.size(); i++) {
        copy.add(unknown(value.get(i), unknown.get(i)));
      }
      return copy;
    }
    return value;
  }

  /** A marker for a sensitive value. */
  public static TextNode marker(JsonNode value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      byte[] digest = mac.doFinal(canonical(value).getBytes(StandardCharsets.UTF_8));
      return TextNode.valueOf(MARKER_PREFIX + Digests.hex(digest).substring(0, 12) + ">");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
    }
  }

  /** Canonical JSON text (keys sorted) of a tree. */
  public static String canonical(JsonNode node) {
    try {
      Object plain = CANONICAL.treeToValue(node, Object.class);
      return CANONICAL.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }

  /** SHA-256 hex of the canonical form of a tree. */
  public static String sha256(JsonNode node) {
    return Digests.sha256Hex(canonical(node));
  }

  /**
   * The attribute-level differences that turn {@code before} into {@code after}, as JSON Pointer
   * changes. Null and absent count as equal; arrays of different length change as a whole.
   */
  public static List<Change> changes(JsonNode before, JsonNode after) {
    List<Change> changes = new ArrayList<>();
    compare("", absentIfNull(before), absentIfNull(after), changes);
    return changes;
  }

  private static JsonNode absentIfNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  private static void compare(String path, JsonNode before, JsonNode after, List<Change> out) {
    if (before == null && after == null) {
      return;
    }
    if (before == null) {
      out.add(Change.add(path, after));
      return;
    }
    if (after == null) {
      out.add(Change.remove(path, before));
      return;
    }
    if (before.isObject() && after.isObject()) {
      Set<String> names = new LinkedHashSet<>();
      after.fieldNames().forEachRemaining(names::add);
      before.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        compare(
            path + "/" + escape(name),
            absentIfNull(before.get(name)),
            absentIfNull(after.get(name)),
            out);
      }
      return;
    }
    if (before.isArray() && after.isArray() && before.size() == after.size()) {
      for (int i = 0; i < after.size(); i++) {
        compare(path + "/" + i, absentIfNull(before.get(i)), absentIfNull(after.get(i)), out);
      }
      return;
    }
    if (!before.equals(after)) {
      out.add(Change.replace(path, before, after));
    }
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
