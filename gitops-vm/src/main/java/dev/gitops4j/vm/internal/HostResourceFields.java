package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.vm.Transport;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Field names and helpers for the JSON bodies of host resources. */
public final class HostResourceFields {

  public static final String FILE = "file";
  public static final String DIRECTORY = "directory";
  public static final String SYMLINK = "symlink";
  public static final String ABSENT = "absent";
  public static final String HANDLER = "handler";

  public static final String TYPE = "type";
  public static final String MODE = "mode";
  public static final String OWNER = "owner";
  public static final String GROUP = "group";
  public static final String SHA256 = "sha256";
  public static final String CONTENT = "content";
  public static final String TARGET = "target";
  public static final String ON_CHANGE = "onChange";
  public static final String COMMAND = "command";
  public static final String WATCHES = "watches";
  public static final String PENDING = "pending";

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private HostResourceFields() {}

  /** The live body of an observed path. */
  public static ObjectNode live(Transport.Stat stat) {
    ObjectNode body = NODES.objectNode();
    switch (stat.type()) {
      case FILE -> {
        body.put(TYPE, FILE);
        body.put(MODE, stat.mode());
        body.put(OWNER, stat.owner());
        body.put(GROUP, stat.group());
        body.put(SHA256, stat.sha256());
      }
      case DIRECTORY -> {
        body.put(TYPE, DIRECTORY);
        body.put(MODE, stat.mode());
        body.put(OWNER, stat.owner());
        body.put(GROUP, stat.group());
      }
      case SYMLINK -> {
        body.put(TYPE, SYMLINK);
        body.put(TARGET, stat.target());
      }
      default -> body.put(TYPE, "other");
    }
    return body;
  }

  /**
   * {@code live} reduced to the fields {@code desired} declares, so undeclared ones never drift.
   */
  public static ObjectNode project(JsonNode live, JsonNode desired) {
    ObjectNode out = NODES.objectNode();
    out.set(TYPE, live.path(TYPE));
    desired
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (live.has(name) && !name.equals(TYPE)) {
                out.set(name, live.get(name));
              }
            });
    return out;
  }

  public static String type(JsonNode body) {
    return body.path(TYPE).asText("");
  }

  public static byte[] content(JsonNode body) {
    return Base64.getDecoder().decode(body.path(CONTENT).asText(""));
  }

  /** Declared octal mode, or {@code fallback}. */
  public static int mode(JsonNode body, int fallback) {
    String mode = body.path(MODE).asText("");
    return mode.isEmpty() ? fallback : Integer.parseInt(mode, 8);
  }

  public static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  public static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }

  public static ArrayNode array(List<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  /** {@code 0644} from a number of permission bits. */
  public static String octal(int mode) {
    return String.format(Locale.ROOT, "%04o", mode);
  }
}
