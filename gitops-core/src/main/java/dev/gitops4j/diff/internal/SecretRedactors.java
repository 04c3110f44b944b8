package dev.gitops4j.diff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gitops4j.diff.SecretRedactor;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The built-in {@link SecretRedactor}s (none, Kubernetes Secrets, JSON paths, chains) and the
 * marker they write.
 */
public final class SecretRedactors {

  /** Prefix of every marker, so tools and tests can recognise redacted values. */
  public static final String MARKER_PREFIX = "<redacted:";

  private static final String MAC_ALGORITHM = "HmacSHA256";
  private static final int MARKER_HEX_CHARS = 12;

  /** Random per process: markers can be compared within a process but not reversed or replayed. */
  private static final SecretKeySpec KEY = newKey();

  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(SecretRedactors::newMac);

  private static final SecretRedactor NONE = new Paths(id -> false, List.of());

  private static final SecretRedactor KUBERNETES_SECRETS =
      paths(
          id -> id.kind().equals("Secret") || id.kind().endsWith("/Secret"),
          "/data/*",
          "/stringData/*",
          "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration");

  private SecretRedactors() {}

  public static SecretRedactor none() {
    return NONE;
  }

  public static SecretRedactor kubernetesSecrets() {
    return KUBERNETES_SECRETS;
  }

  /** Redacts the patterns in resources the predicate accepts ({@code null}: all resources). */
  public static SecretRedactor paths(Predicate<ResourceId> applies, String... patterns) {
    List<PointerPattern> compiled = List.of(patterns).stream().map(PointerPattern::parse).toList();
    return new Paths(applies == null ? id -> true : applies, compiled);
  }

  public static SecretRedactor chain(SecretRedactor first, SecretRedactor second) {
    return new SecretRedactor() {
      @Override
      public JsonNode redact(ResourceId id, JsonNode body) {
        return second.redact(id, first.redact(id, body));
      }

      @Override
      public List<Change> redactChanges(ResourceId id, List<Change> changes) {
        return second.redactChanges(id, first.redactChanges(id, changes));
      }
    };
  }

  /**
   * The marker for a secret value: a keyed hash of the last path segment and the value, so equal
   * values under different names get different markers.
   */
  public static String marker(String pointer, JsonNode value) {
    String name = pointer.substring(pointer.lastIndexOf('/') + 1);
    String text = value.isTextual() ? value.textValue() : value.toString();
    Mac mac = MAC.get();
    mac.update(name.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    return MARKER_PREFIX + Digests.hex(digest).substring(0, MARKER_HEX_CHARS) + ">";
  }

  /** Whether a value is a marker written by {@link #marker}. */
  public static boolean isMarker(JsonNode value) {
    return value != null && value.isTextual() && value.textValue().startsWith(MARKER_PREFIX);
  }

  /** See {@link SecretRedactor#redactChanges}. */
  public static List<Change> redactChanges(
      SecretRedactor redactor, ResourceId id, List<Change> changes) {
    List<Change> result = null;
    for (int i = 0; i < changes.size(); i++) {
      Change change = changes.get(i);
      List<String> path = Pointers.parse(change.path());
      JsonNode oldValue = redactAt(redactor, id, path, change.oldValue());
      JsonNode newValue = redactAt(redactor, id, path, change.newValue());
      if (result == null && (oldValue != change.oldValue() || newValue != change.newValue())) {
        result = new ArrayList<>(changes.subList(0, i));
      }
      if (result != null) {
        result.add(new Change(change.op(), change.path(), oldValue, newValue));
      }
    }
    return result == null ? changes : List.copyOf(result);
  }

  private static JsonNode redactAt(
      SecretRedactor redactor, ResourceId id, List<String> path, JsonNode value) {
    if (value == null) {
      return null;
    }
    JsonNode body = value;
    for (int i = path.size() - 1; i >= 0; i--) {
      ObjectNode parent = JsonNodeFactory.instance.objectNode();
      parent.set(path.get(i), body);
      body = parent;
    }
    JsonNode redacted = redactor.redact(id, body);
    if (redacted == body) {
      return value;
    }
    JsonNode at = redacted;
    for (String token : path) {
      at = at == null ? null : at.isArray() ? at.get(Pointers.index(token)) : at.get(token);
    }
    // A redactor that removed the location entirely hides the value completely.
    return at == null ? TextNode.valueOf(MARKER_PREFIX + "removed>") : at;
  }

  private record Paths(Predicate<ResourceId> applies, List<PointerPattern> patterns)
      implements SecretRedactor {

    @Override
    public JsonNode redact(ResourceId id, JsonNode body) {
      if (!applies.test(id)) {
        return body;
      }
      JsonNode result = body;
      for (PointerPattern pattern : patterns) {
        result =
            pattern.replace(
                result,
                // Already redacted values stay as they are, so redacting twice changes nothing.
                (pointer, value) ->
                    isMarker(value) ? value : TextNode.valueOf(marker(pointer, value)));
      }
      return result;
    }

    @Override
    public List<Change> redactChanges(ResourceId id, List<Change> changes) {
      return applies.test(id) && !patterns.isEmpty()
          ? SecretRedactors.redactChanges(this, id, changes)
          : changes;
    }
  }

  private static SecretKeySpec newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new SecretKeySpec(key, MAC_ALGORITHM);
  }

  private static Mac newMac() {
    try {
      Mac mac = Mac.getInstance(MAC_ALGORITHM);
      mac.init(KEY);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(MAC_ALGORITHM + " is required by every Java platform", e);
    }
  }
}
