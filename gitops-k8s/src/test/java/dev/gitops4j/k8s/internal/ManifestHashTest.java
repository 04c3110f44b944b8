package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.ResourceId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The hash of declared bodies stored on managed objects, and its cache per application. */
class ManifestHashTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The hash as first defined: the tree converted to maps and lists, written with sorted keys. */
  private static String referenceHash(JsonNode body) throws Exception {
    byte[] json = OwnershipMarks.CANONICAL.writeValueAsBytes(OwnershipMarks.canonicalValue(body));
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
    return HexFormat.of().formatHex(digest).substring(0, 32);
  }

  /**
   * The hash by a second route that shares no code with {@link OwnershipMarks}: the canonical JSON
   * text built by hand from the tree (keys sorted, no whitespace, JSON escapes), then SHA-256 of
   * its UTF-8 bytes.
   */
  private static String independentHash(JsonNode body) throws Exception {
    return sha32(handCanonical(body));
  }

  @Property(tries = 300)
  void streamingHashEqualsTheReferenceOnRandomTrees(@ForAll long seed) throws Exception {
    JsonNode body = randomObject(new Random(seed), 0);
    assertThat(OwnershipMarks.hash(body)).isEqualTo(referenceHash(body));
    assertThat(OwnershipMarks.hash(body)).isEqualTo(independentHash(body));
  }

  /**
   * Literal hashes, computed outside this code (SHA-256 of the canonical text with {@code
   * sha256sum} and Python, first 32 hex digits): objects in clusters carry these values, so a
   * change of the canonical bytes or the digest must fail here, whatever route the code takes.
   */
  @Test
  void hashesArePinnedToLiterals() throws Exception {
    assertThat(OwnershipMarks.hash(NODES.objectNode()))
        .isEqualTo("44136fa355b3678a1146ad16f7e8649e");
    assertThat(
            OwnershipMarks.hash(
                JSON.readTree("{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"1\"}}")))
        .isEqualTo("18882fd3e6611de3871fdfd2eacfa6cb");
    // {"a":[],"b":{},"c":null,"d":true,"e":false,"f":""}
    assertThat(
            OwnershipMarks.hash(
                JSON.readTree("{\"f\":\"\",\"e\":false,\"d\":true,\"c\":null,\"b\":{},\"a\":[]}")))
        .isEqualTo("3fee8dbe5b5294f0baf696f5149d909f");
    // {"big":1180591620717411303424,"double":0.25,"exp":1.0E20,"int":-7,"long":12345678901,
    //  "whole":3.0}
    JsonNode numbers =
        JSON.readTree(
            "{\"whole\":3.0,\"long\":12345678901,\"int\":-7,\"exp\":1e20,\"double\":0.25,"
                + "\"big\":1180591620717411303424}");
    assertThat(OwnershipMarks.hash(numbers)).isEqualTo("244df6c05f5b44d221ee2597ab9d245d");
    // Keys in UTF-16 order ("B" < "a" < "z" < "\u00e9"); '"', '\\' and control characters
    // escaped (short forms where JSON has them, else \\u00XX upper case); '/', DEL and other
    // non-ASCII of the BMP written as raw UTF-8; a supplementary character as its two escaped
    // UTF-16 halves.
    ObjectNode strings = NODES.objectNode();
    strings.put("\u00e9", "snow\u2603 grin\ud83d\ude00");
    strings.put("z", "");
    strings.put("a", "quote\" backslash\\ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f");
    strings.put("B", "slash/ del\u007f");
    assertThat(OwnershipMarks.hash(strings)).isEqualTo("3f95600bcd365aa76a25e445f9404d59");
    // The text that literal is the SHA-256 of, which the hand-written route also produces.
    assertThat(handCanonical(strings))
        .isEqualTo(
            "{\"B\":\"slash/ del\u007f\",\"a\":\"quote\\\" backslash\\\\ nl\\n cr\\r tab\\t"
                + " bs\\b ff\\f nul\\u0000 us\\u001F\",\"z\":\"\",\"\u00e9\":\"snow\u2603"
                + " grin\\uD83D\\uDE00\"}");
  }

  @Test
  void hashOfAManifestIsStable() throws Exception {
    JsonNode deployment =
        JSON.readTree(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","
                + "\"labels\":{\"b\":\"2\",\"a\":\"1\"}},\"spec\":{\"replicas\":3,\"template\":"
                + "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\",\"ports\":"
                + "[{\"containerPort\":8080}],\"env\":[{\"name\":\"RATIO\",\"value\":\"0.5\"}],"
                + "\"resources\":{\"limits\":{\"cpu\":0.5}},\"tty\":false,\"args\":null}]}}}}");
    // Objects already in clusters carry this value: it must never change.
    assertThat(OwnershipMarks.hash(deployment))
        .isEqualTo(referenceHash(deployment))
        .isEqualTo(independentHash(deployment))
        // sha256sum of the canonical text below, computed outside this code.
        .isEqualTo("66f5331ae2b5a79600fe1210ebbd32d4")
        .isEqualTo(
            sha32(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"labels\":"
                    + "{\"a\":\"1\",\"b\":\"2\"},\"name\":\"web\"},\"spec\":{\"replicas\":3,"
                    + "\"template\":{\"spec\":{\"containers\":[{\"args\":null,\"env\":[{\"name\":"
                    + "\"RATIO\",\"value\":\"0.5\"}],\"image\":\"nginx:1.27\",\"name\":\"c\","
                    + "\"ports\":[{\"containerPort\":8080}],\"resources\":{\"limits\":{\"cpu\":0.5}},"
                    + "\"tty\":false}]}}}}"));
  }

  @Test
  void unusualNumberNodesFallBackToTheReference() throws Exception {
    ObjectNode body = NODES.objectNode();
    body.put("float", 1.5f);
    body.put("decimal", new java.math.BigDecimal("12.50"));
    body.put("short", (short) 7);
    assertThat(OwnershipMarks.hash(body)).isEqualTo(referenceHash(body));
    assertThat(OwnershipMarks.hash(body))
        .isEqualTo(independentHash(body))
        // sha256sum of {"decimal":12.50,"float":1.5,"short":7}, computed outside this code.
        .isEqualTo("15c514978e537dad4c04d2db39d1fdd8");
  }

  @Test
  void appContextHashesEachDeclaredBodyOnceAndForgetsUndeclaredOnes() throws Exception {
    ApplicationState app = new ApplicationState("shop", null);
    ResourceId id = ResourceId.of("ConfigMap", "ns", "a");
    DesiredResource first = resource(id, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"1\"}}");
    DesiredResource changed =
        resource(id, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"2\"}}");
    String hash = app.hash(first);
    assertThat(hash).isEqualTo(OwnershipMarks.hash(first.body()));
    // sha256sum of {"data":{"k":"1"},"metadata":{"name":"a"}}, computed outside this code.
    assertThat(hash).isEqualTo("18882fd3e6611de3871fdfd2eacfa6cb");
    assertThat(app.hash(first)).isSameAs(hash);
    // A new body for the same object (a new revision) is hashed again.
    assertThat(app.hash(changed)).isEqualTo(OwnershipMarks.hash(changed.body())).isNotEqualTo(hash);
    assertThat(app.hash(changed)).isEqualTo("6ee21521f2cd3bb7072875d256fd6ee8");
    app.retainHashes(Set.of());
    String again = app.hash(changed);
    assertThat(again).isEqualTo(OwnershipMarks.hash(changed.body()));
  }

  private static DesiredResource resource(ResourceId id, String json) throws Exception {
    return new DesiredResource(
        id, JSON.readTree(json), new dev.gitops4j.model.Origin("a.yaml", 1, 1), "r1");
  }

  private static String sha32(String json) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest).substring(0, 32);
  }

  /** Canonical JSON written by hand: no Jackson generator, mapper or feature involved. */
  private static String handCanonical(JsonNode node) {
    StringBuilder out = new StringBuilder();
    writeByHand(node, out);
    return out.toString();
  }

  private static void writeByHand(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      Collections.sort(keys);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        quoteByHand(keys.get(i), out);
        out.append(':');
        writeByHand(node.get(keys.get(i)), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeByHand(node.get(i), out);
      }
      out.append(']');
    } else if (node.isTextual()) {
      quoteByHand(node.textValue(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isNull()) {
      out.append("null");
    } else if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue());
    } else if (node.isDouble()) {
      out.append(Double.toString(node.doubleValue()));
    } else if (node.isFloat()) {
      out.append(Float.toString(node.floatValue()));
    } else if (node.isBigDecimal()) {
      out.append(node.decimalValue().toString());
    } else {
      throw new AssertionError("unexpected node " + node.getNodeType());
    }
  }

  private static void quoteByHand(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Jackson's UTF-8 writer escapes the two halves of a supplementary character (an
          // emoji) rather than writing its four UTF-8 bytes; stored hashes depend on that.
          if (c < 0x20 || Character.isSurrogate(c)) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static ObjectNode randomObject(Random random, int depth) {
    ObjectNode node = NODES.objectNode();
    int fields = random.nextInt(depth == 0 ? 8 : 5);
    for (int i = 0; i < fields; i++) {
      node.set(randomKey(random), randomValue(random, depth + 1));
    }
    return node;
  }

  private static JsonNode randomValue(Random random, int depth) {
    int choice = random.nextInt(depth > 4 ? 8 : 10);
    return switch (choice) {
      case 0 -> NODES.textNode(randomKey(random) + "\u00e9\"\\\n\u2603\ud83d\ude00");
      case 1 -> NODES.numberNode(random.nextInt());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(random.nextDouble() * 1e6);
      case 4 -> NODES.numberNode(BigInteger.valueOf(random.nextLong()).shiftLeft(70));
      case 5 -> NODES.booleanNode(random.nextBoolean());
      case 6 -> NODES.nullNode();
      case 7 -> NODES.textNode("");
      case 8 -> randomObject(random, depth);
      default -> {
        ArrayNode array = NODES.arrayNode();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
    };
  }

  private static String randomKey(Random random) {
    String[] parts = {"a", "B", "z", "_", "-", "1", "é", "~", "/", "aa", "Ab", "key"};
    StringBuilder key = new StringBuilder();
    int length = random.nextInt(4);
    for (int i = 0; i < length; i++) {
      key.append(parts[random.nextInt(parts.length)]);
    }
    return key.toString();
  }
}
