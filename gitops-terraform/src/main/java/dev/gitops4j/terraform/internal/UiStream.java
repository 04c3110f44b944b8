package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.terraform.TerraformEvent;
import dev.gitops4j.terraform.TerraformListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI's machine-readable UI stream ({@code -json}): turns messages into {@link TerraformEvent}s
 * and log lines, and reads diagnostics. Only addresses, actions, summaries and locations are passed
 * on; diagnostic snippets (which can quote values) never are.
 */
public final class UiStream {

  private static final Logger LOG = LoggerFactory.getLogger("dev.gitops4j.terraform.cli");

  private UiStream() {}

  /** Logs a message and hands its event, if it has one, to {@code listener}. */
  public static void dispatch(JsonNode message, TerraformListener listener) {
    event(message)
        .ifPresent(
            event -> {
              switch (event.type()) {
                case APPLY_ERRORED -> LOG.warn("{}", event.message());
                case DIAGNOSTIC -> {
                  if ("error".equals(message.path("diagnostic").path("severity").asText())) {
                    LOG.error("{}", event.message());
                  } else {
                    LOG.warn("{}", event.message());
                  }
                }
                case APPLY_START, APPLY_COMPLETE -> LOG.info("{}", event.message());
                default -> LOG.debug("{}", event.message());
              }
              try {
                listener.onEvent(event);
              } catch (RuntimeException e) {
                LOG.warn("terraform listener failed", e);
              }
            });
  }

  /** The event a UI message stands for, or empty for messages that are not passed on. */
  public static Optional<TerraformEvent> event(JsonNode message) {
    String type = message.path("type").asText();
    String text = message.path("@message").asText();
    return switch (type) {
      case "planned_change" -> Optional.of(change(TerraformEvent.Type.PLANNED_CHANGE, message));
      case "resource_drift" -> Optional.of(change(TerraformEvent.Type.RESOURCE_DRIFT, message));
      case "apply_start" -> Optional.of(hook(TerraformEvent.Type.APPLY_START, message, text));
      case "apply_complete" -> Optional.of(hook(TerraformEvent.Type.APPLY_COMPLETE, message, text));
      case "apply_errored" -> Optional.of(hook(TerraformEvent.Type.APPLY_ERRORED, message, text));
      case "diagnostic" -> {
        JsonNode diagnostic = message.path("diagnostic");
        yield Optional.of(
            new TerraformEvent(
                TerraformEvent.Type.DIAGNOSTIC,
                diagnostic.path("address").asText(""),
                "",
                describe(diagnostic)));
      }
      default -> Optional.empty();
    };
  }

  private static TerraformEvent change(TerraformEvent.Type type, JsonNode message) {
    JsonNode change = message.path("change");
    String address = change.path("resource").path("addr").asText();
    String action = change.path("action").asText();
    return new TerraformEvent(type, address, action, address + ": " + action);
  }

  private static TerraformEvent hook(TerraformEvent.Type type, JsonNode message, String text) {
    JsonNode hook = message.path("hook");
    return new TerraformEvent(
        type, hook.path("resource").path("addr").asText(), hook.path("action").asText(), text);
  }

  /** Error diagnostics of a run. */
  public static List<JsonNode> errors(List<JsonNode> messages) {
    List<JsonNode> errors = new ArrayList<>();
    for (JsonNode message : messages) {
      JsonNode diagnostic = message.path("diagnostic");
      if ("diagnostic".equals(message.path("type").asText())
          && "error".equals(diagnostic.path("severity").asText())) {
        errors.add(diagnostic);
      }
    }
    return errors;
  }

  /** {@code file:line:column: summary: detail}, or {@code summary: detail} without a range. */
  public static String describe(JsonNode diagnostic) {
    String summary = diagnostic.path("summary").asText();
    String detail = diagnostic.path("detail").asText("").strip();
    String text = detail.isEmpty() ? summary : summary + ": " + detail;
    Optional<Origin> origin = origin(diagnostic);
    return origin.map(o -> o + ": " + text).orElse(text);
  }

  /** Where a diagnostic points, when it has a range. */
  public static Optional<Origin> origin(JsonNode diagnostic) {
    JsonNode range = diagnostic.path("range");
    if (!range.has("filename")) {
      return Optional.empty();
    }
    JsonNode start = range.path("start");
    return Optional.of(
        new Origin(
            range.path("filename").asText(),
            start.path("line").asInt(0),
            start.path("column").asInt(0)));
  }

  /** A diagnostic as a problem of the desired state. */
  public static Problem problem(JsonNode diagnostic) {
    String summary = diagnostic.path("summary").asText();
    String detail = diagnostic.path("detail").asText("").strip();
    return new Problem(
        origin(diagnostic).orElse(Origin.of("(configuration)", 0)),
        detail.isEmpty() ? summary : summary + ": " + detail);
  }

  /** True when a run failed because another process holds the state lock. */
  public static boolean isLockError(List<JsonNode> errors, String stderr) {
    return errors.stream()
            .anyMatch(d -> d.path("summary").asText().contains("Error acquiring the state lock"))
        || stderr.contains("Error acquiring the state lock");
  }
}
