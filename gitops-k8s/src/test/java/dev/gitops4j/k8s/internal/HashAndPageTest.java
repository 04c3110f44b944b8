package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.ResourceId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The streaming hash of declared bodies, its cache, and the tree reader of LIST pages. */
class HashAndPageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The hash as first defined: the tree converted to maps and lists, written with sorted keys. */
  private static String referenceHash(JsonNode body) throws Exception {
    byte[] json = Marks.CANONICAL.writeValueAsBytes(Marks.canonicalValue(body));
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
    return HexFormat.of().formatHex(digest).substring(0, 32);
  }

  @Property(tries = 300)
  void streamingHashEqualsTheReferenceOnRandomTrees(@ForAll long seed) throws Exception {
    JsonNode body = randomObject(new Random(seed), 0);
    assertThat(Marks.hash(body)).isEqualTo(referenceHash(body));
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
    assertThat(Marks.hash(deployment))
        .isEqualTo(referenceHash(deployment))
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
    assertThat(Marks.hash(body)).isEqualTo(referenceHash(body));
  }

  @Test
  void appContextHashesEachDeclaredBodyOnceAndForgetsUndeclaredOnes() throws Exception {
    AppContext app = new AppContext("shop", null);
    ResourceId id = ResourceId.of("ConfigMap", "ns", "a");
    DesiredResource first = resource(id, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"1\"}}");
    DesiredResource changed =
        resource(id, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"2\"}}");
    String hash = app.hash(first);
    assertThat(hash).isEqualTo(Marks.hash(first.body()));
    assertThat(app.hash(first)).isSameAs(hash);
    // A new body for the same object (a new revision) is hashed again.
    assertThat(app.hash(changed)).isEqualTo(Marks.hash(changed.body())).isNotEqualTo(hash);
    app.retainHashes(Set.of());
    String again = app.hash(changed);
    assertThat(again).isEqualTo(Marks.hash(changed.body()));
  }

  @Test
  void pageItemsGetKindAndApiVersionFirstAndTheContinueToken() throws Exception {
    KindInfo kind = new KindInfo("apps", "v1", "Deployment", "deployments", true);
    String body =
        "{\"kind\":\"DeploymentList\",\"apiVersion\":\"apps/v1\","
            + "\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"abc\","
            + "\"remainingItemCount\":3},"
            + "\"items\":[{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"},"
            + "\"spec\":{\"replicas\":2,\"ratio\":0.25,\"big\":12345678901}},"
            + "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"b\"},\"status\":{}}],"
            + "\"extra\":[1,{\"x\":[2]}]}";
    Cluster.Page page = Cluster.parsePage(stream(body), kind);
    assertThat(page.continueToken()).isEqualTo("abc");
    assertThat(page.items()).hasSize(2);
    ObjectNode a = page.items().get(0);
    assertThat(iterable(a.fieldNames())).containsExactly("apiVersion", "kind", "metadata", "spec");
    assertThat(a)
        .isEqualTo(
            JSON.readTree(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"a\","
                    + "\"resourceVersion\":\"7\"},\"spec\":{\"replicas\":2,\"ratio\":0.25,"
                    + "\"big\":12345678901}}"));
    assertThat(Marks.resourceVersion(a)).isEqualTo("7");
    assertThat(page.items().get(1).path("kind").asText()).isEqualTo("Deployment");
    assertThat(page.items().get(1).path("apiVersion").asText()).isEqualTo("apps/v1");
  }

  @Test
  void lastPageHasNoContinueToken() throws Exception {
    KindInfo kind = new KindInfo("", "v1", "ConfigMap", "configmaps", true);
    Cluster.Page page =
        Cluster.parsePage(stream("{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"), kind);
    assertThat(page.items()).isEmpty();
    assertThat(page.continueToken()).isNull();
    assertThatThrownBy(() -> Cluster.parsePage(stream("[]"), kind)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Cluster.parsePage(stream("{\"items\":[{"), kind))
        .isInstanceOf(IOException.class);
  }

  private static DesiredResource resource(ResourceId id, String json) throws Exception {
    return new DesiredResource(
        id, JSON.readTree(json), new dev.gitops4j.model.Origin("a.yaml", 1, 1), "r1");
  }

  private static java.io.InputStream stream(String json) {
    return new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }

  private static String sha32(String json) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest).substring(0, 32);
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
