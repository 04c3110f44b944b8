package dev.gitops4j.notify.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.notify.Notification;
import java.util.Locale;

/** JSON bodies of the built-in notifiers. */
public final class Payloads {

  public static final ObjectMapper JSON = new ObjectMapper();

  private Payloads() {}

  /** The generic webhook body: every field of the notification. */
  public static ObjectNode webhook(Notification n) {
    ObjectNode root = JSON.createObjectNode();
    root.put("event", n.event().name());
    root.put("application", n.application());
    root.put("trigger", n.trigger() == null ? null : n.trigger().name());
    root.put("revision", n.revision());
    root.put("author", n.author());
    root.put("subject", n.subject());
    if (n.changes() != null) {
      ObjectNode changes = root.putObject("changes");
      changes.put("created", n.changes().created());
      changes.put("updated", n.changes().updated());
      changes.put("deleted", n.changes().deleted());
      changes.put("summary", n.changes().summary());
    }
    if (n.health() != null) {
      ObjectNode health = root.putObject("health");
      health.put("status", n.health().status().name());
      health.put("message", n.health().message());
    }
    root.put("error", n.error());
    root.put("retryable", n.retryable());
    if (n.drift() != null) {
      ObjectNode drift = root.putObject("drift");
      drift.put("missing", n.drift().missing());
      drift.put("modified", n.drift().modified());
      drift.put("extraneous", n.drift().extraneous());
      ArrayNode resources = drift.putArray("resources");
      n.drift().resources().forEach(resources::add);
    }
    root.put("diff", n.diff());
    root.put("planId", n.planId());
    root.put("time", n.time().toString());
    root.put("headline", n.headline());
    return root;
  }

  /** A Slack-compatible incoming webhook body: {@code text} plus section blocks. */
  public static ObjectNode slack(Notification n) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", n.headline());
    ArrayNode blocks = root.putArray("blocks");
    section(blocks, "*" + escape(n.headline()) + "*");
    StringBuilder facts = new StringBuilder();
    fact(facts, "Event", n.event().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    fact(facts, "Trigger", n.trigger() == null ? "" : n.trigger().name().toLowerCase(Locale.ROOT));
    fact(facts, "Revision", n.shortRevision());
    fact(facts, "Author", n.author());
    fact(facts, "Commit", n.subject());
    fact(facts, "Changes", n.changes() == null ? "" : n.changes().summary());
    fact(facts, "Health", n.health() == null ? "" : n.health().status().name());
    fact(facts, "Drift", n.drift() == null ? "" : n.drift().summary());
    section(blocks, facts.toString().strip());
    if (n.drift() != null && !n.drift().resources().isEmpty()) {
      section(blocks, "```" + escape(String.join("\n", n.drift().resources())) + "```");
    }
    if (!n.diff().isEmpty()) {
      String diff = n.diff().length() > 2500 ? n.diff().substring(0, 2500) + "\n..." : n.diff();
      section(blocks, "```" + escape(diff) + "```");
    }
    return root;
  }

  private static void section(ArrayNode blocks, String markdown) {
    if (markdown.isEmpty()) {
      return;
    }
    ObjectNode block = blocks.addObject();
    block.put("type", "section");
    ObjectNode text = block.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", markdown);
  }

  private static void fact(StringBuilder facts, String name, String value) {
    if (value != null && !value.isBlank()) {
      facts.append('*').append(name).append(":* ").append(escape(value)).append('\n');
    }
  }

  // Slack's mrkdwn needs only these three escaped.
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
