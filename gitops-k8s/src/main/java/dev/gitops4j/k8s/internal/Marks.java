package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Labels and annotations gitops4j puts on the objects it manages. */
public final class Marks {

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

  private Marks() {}

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

  /** SHA-256 of the canonical JSON of {@code body}, hex, 32 characters. */
  public static String hash(JsonNode body) {
    try {
      Object canonical = CANONICAL.treeToValue(body, Object.class);
      byte[] json = CANONICAL.writeValueAsBytes(canonical);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest).substring(0, 32);
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      throw new IllegalStateException("cannot hash a manifest", e);
    }
  }

  /**
   * The body sent to the API server: the declared one plus the ownership labels and the hash of the
   * declared body.
   */
  public static ObjectNode marked(JsonNode declared, String application, String hash) {
    ObjectNode body = declared.deepCopy();
    ObjectNode metadata = body.with("metadata");
    ObjectNode labels = metadata.with("labels");
    labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    labels.put(APPLICATION_LABEL, application);
    metadata.with("annotations").put(HASH_ANNOTATION, hash);
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
