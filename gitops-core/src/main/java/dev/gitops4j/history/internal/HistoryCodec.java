package dev.gitops4j.history.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryRecord.ChangeOutcome;
import dev.gitops4j.model.Trigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Line format of the history trail. Fields are written by hand in a fixed order (no reflection, no
 * JavaTimeModule), so the same record and {@code prev} always give the same bytes: that is the
 * canonical form the {@code hash} field is computed over.
 *
 * <pre>
 * {"v":1,"time":"…","application":"…",…,"error":"…","prev":"&lt;64 hex&gt;","hash":"&lt;64 hex&gt;"}
 * </pre>
 */
public final class HistoryCodec {

  /** {@code prev} of the first line. */
  public static final String GENESIS = "0".repeat(64);

  static final int VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private HistoryCodec() {}

  /** One parsed line. */
  public record Entry(HistoryRecord record, String prev, String hash) {}

  /** A line that cannot be read as a history record; the message says why. */
  public static final class MalformedLineException extends Exception {
    MalformedLineException(String message) {
      super(message);
    }
  }

  /** The full line (without line terminator) for {@code record} chained after {@code prev}. */
  public static byte[] encode(HistoryRecord record, String prev) {
    ObjectNode node = canonical(record, prev);
    node.put("hash", sha256Hex(write(node)));
    return write(node);
  }

  /** SHA-256 hex of a line's exact bytes: the {@code prev} of the line after it. */
  public static String lineHash(byte[] line) {
    return sha256Hex(line);
  }

  /** The hash a record chained after {@code prev} must carry. */
  public static String recordHash(HistoryRecord record, String prev) {
    return sha256Hex(write(canonical(record, prev)));
  }

  /** Parses a line; fails when it is not JSON or lacks a field. Does not check hashes. */
  public static Entry decode(byte[] line) throws MalformedLineException {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new MalformedLineException("not valid JSON (" + firstLine(e) + ")");
    }
    if (node == null || !node.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    if (node.path("v").asInt(-1) != VERSION) {
      throw new MalformedLineException("unknown format version " + node.path("v"));
    }
    try {
      List<ChangeOutcome> changes = new ArrayList<>();
      JsonNode array = node.get("changes");
      if (array == null || !array.isArray()) {
        throw new MalformedLineException("field 'changes' is missing or not an array");
      }
      for (JsonNode c : array) {
        changes.add(
            new ChangeOutcome(
                text(c, "resource"), text(c, "action"), text(c, "outcome"), text(c, "message")));
      }
      HistoryRecord record =
          new HistoryRecord(
              Instant.parse(text(node, "time")),
              text(node, "application"),
              Trigger.valueOf(text(node, "trigger")),
              text(node, "revision"),
              text(node, "author"),
              text(node, "committer"),
              text(node, "signature"),
              text(node, "status"),
              text(node, "planSummary"),
              changes,
              text(node, "diff"),
              Duration.parse(text(node, "duration")),
              text(node, "error"),
              node.has("inputs") ? text(node, "inputs") : "");
      return new Entry(record, text(node, "prev"), text(node, "hash"));
    } catch (RuntimeException e) {
      // DateTimeParseException, unknown trigger name
      throw new MalformedLineException("bad field value (" + e.getMessage() + ")");
    }
  }

  private static ObjectNode canonical(HistoryRecord r, String prev) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("v", VERSION);
    node.put("time", r.time().toString());
    node.put("application", r.application());
    node.put("trigger", r.trigger().name());
    node.put("revision", r.revision());
    node.put("author", r.author());
    node.put("committer", r.committer());
    node.put("signature", r.signature());
    node.put("status", r.status());
    node.put("planSummary", r.planSummary());
    ArrayNode changes = node.putArray("changes");
    for (ChangeOutcome c : r.changes()) {
      changes
          .addObject()
          .put("resource", c.resource())
          .put("action", c.action())
          .put("outcome", c.outcome())
          .put("message", c.message());
    }
    node.put("diff", r.diff());
    node.put("duration", r.duration().toString());
    node.put("error", r.error());
    // Written only when set, so records without it keep the bytes (and hashes) they always had.
    if (!r.inputs().isEmpty()) {
      node.put("inputs", r.inputs());
    }
    node.put("prev", prev);
    return node;
  }

  private static String text(JsonNode node, String field) throws MalformedLineException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedLineException("field '" + field + "' is missing or not a string");
    }
    return value.textValue();
  }

  private static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // trees of strings always serialize
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
