package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.internal.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.regex.Pattern;

/** Labels and annotations gitops4j puts on the objects it manages. */
public final class OwnershipMarks {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "gitops4j";
  public static final String APPLICATION_LABEL = "gitops4j.dev/application";
  public static final String HASH_ANNOTATION = "gitops4j.dev/applied-hash";
  public static final String WAVE_ANNOTATION = "gitops4j.dev/wave";

  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");

  /** Sorted keys make the hash independent of the order fields were written in Git. */
  static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private OwnershipMarks() {}

  /** Fails fast on an application name that cannot be a label value. */
  public static String requireApplicationName(String application) {
    if (application == null || !LABEL_VALUE.matcher(application).matches()) {
      throw new IllegalArgumentException(
          "application name '"
              + application
              + "' must be a Kubernetes label value (at most 63 letters, digits, '-', '_' or '.',"
              + " starting and ending with a letter or digit)");
    }
    return application;
  }

  /**
   * SHA-256 of the canonical JSON of {@code body} (object keys sorted, no whitespace), hex, 32
   * characters. The value is stored on every managed object, so its bytes must never change.
   */
  public static String hash(JsonNode body) {
    MessageDigest digest = sha256();
    try (JsonGenerator out = CANONICAL.getFactory().createGenerator(new DigestSink(digest))) {
      if (!writeCanonical(body, out)) {
        // A node kind manifests never hold: let the mapper decide how it is written.
        digest.reset();
        return hex(digest.digest(CANONICAL.writeValueAsBytes(canonicalValue(body))));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot hash a manifest", e);
    }
    return hex(digest.digest());
  }

  /**
   * Writes {@code node} the way {@link #CANONICAL} writes it converted to plain maps and lists,
   * straight from the tree (no intermediate copy); false on a node kind it does not handle.
   */
  private static boolean writeCanonical(JsonNode node, JsonGenerator out) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        String[] keys = new String[node.size()];
        int i = 0;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
          keys[i++] = names.next();
        }
        Arrays.sort(keys);
        out.writeStartObject();
        for (String key : keys) {
          out.writeFieldName(key);
          if (!writeCanonical(node.get(key), out)) {
            return false;
          }
        }
        out.writeEndObject();
        return true;
      }
      case ARRAY -> {
        out.writeStartArray();
        for (JsonNode element : node) {
          if (!writeCanonical(element, out)) {
            return false;
          }
        }
        out.writeEndArray();
        return true;
      }
      case STRING -> out.writeString(node.textValue());
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NULL -> out.writeNull();
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> out.writeNumber(node.intValue());
          case LONG -> out.writeNumber(node.longValue());
          case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
          case DOUBLE -> out.writeNumber(node.doubleValue());
          default -> {
            return false;
          }
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The reference form of the hash input: the tree as plain maps and lists. */
  static Object canonicalValue(JsonNode body) throws IOException {
    return CANONICAL.treeToValue(body, Object.class);
  }

  static MessageDigest sha256() {
    return Digests.sha256();
  }

  /** The stored form of a finished digest: its first 16 bytes in hex. */
  static String hex(byte[] digest) {
    return Digests.hex(digest).substring(0, 32);
  }

  /** Feeds written bytes to a digest. */
  private static final class DigestSink extends OutputStream {
    private final MessageDigest digest;

    DigestSink(MessageDigest digest) {
      this.digest = digest;
    }

    @Override
    public void write(int b) {
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }
  }

  /**
   * The body sent to the API server: the declared one plus the ownership labels and the hash of the
   * declared body.
   */
  public static ObjectNode marked(JsonNode declared, String application, String hash) {
    ObjectNode body = declared.deepCopy();
    ObjectNode metadata = body.withObjectProperty("metadata");
    ObjectNode labels = metadata.withObjectProperty("labels");
    labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    labels.put(APPLICATION_LABEL, application);
    metadata.withObjectProperty("annotations").put(HASH_ANNOTATION, hash);
    return body;
  }

  /** Whether a live body carries the ownership label of {@code application}. */
  public static boolean ownedBy(JsonNode live, String application) {
    return application.equals(application(live));
  }

  /** The application a live body is labelled with, or null. */
  public static String application(JsonNode live) {
    return live.path("metadata").path("labels").path(APPLICATION_LABEL).asText(null);
  }

  public static String appliedHash(JsonNode live) {
    return live.path("metadata").path("annotations").path(HASH_ANNOTATION).asText(null);
  }

  public static String resourceVersion(JsonNode live) {
    return live.path("metadata").path("resourceVersion").asText(null);
  }
}
