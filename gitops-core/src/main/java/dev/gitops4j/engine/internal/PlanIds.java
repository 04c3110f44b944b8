package dev.gitops4j.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Plan ids: SHA-256 over the revision and every step (action, identity, desired content, live
 * version). Any move of the revision or of a touched live resource gives a new id.
 */
public final class PlanIds {

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private PlanIds() {}

  public static String of(Plan plan) {
    MessageDigest digest = sha256();
    update(digest, plan.revision());
    for (Step step : plan.steps()) {
      update(digest, step.action().name());
      update(digest, step.id().toString());
      update(digest, step.desired() == null ? "" : canonical(step.desired().body()));
      if (step.live() != null) {
        update(
            digest,
            step.live().version() != null ? step.live().version() : canonical(step.live().body()));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) ':');
    digest.update(bytes);
  }

  private static String canonical(JsonNode node) {
    try {
      Object plain = CANONICAL.treeToValue(node, Object.class);
      return CANONICAL.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
