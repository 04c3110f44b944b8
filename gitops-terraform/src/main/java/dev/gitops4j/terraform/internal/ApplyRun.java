package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.TargetException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies exactly a saved plan file ({@code apply -input=false -json -lock-timeout=… FILE}) and
 * reads from the UI stream which addresses completed or failed; the outputs come from apply's own
 * {@code outputs} message. Not thread-safe; {@link WorkingDirectory} runs it one call at a time.
 */
final class ApplyRun {

  private final WorkingDirectory owner;
  private final Outputs outputs;

  ApplyRun(WorkingDirectory owner, Outputs outputs) {
    this.owner = owner;
    this.outputs = outputs;
  }

  /** Applies {@code plan}'s file; a command that could not run is a failed outcome, not thrown. */
  ApplyOutcome apply(SavedPlan plan) {
    List<String> args = new ArrayList<>(List.of("apply", "-input=false", "-json"));
    args.add("-lock-timeout=" + owner.settings().lockTimeout().toMillis() + "ms");
    args.add(plan.file().toString());
    BinaryRunner.Result result;
    try {
      result =
          owner
              .runner()
              .run(
                  owner.path(),
                  args,
                  message -> UiStream.dispatch(message, owner.settings().listener()));
    } catch (TargetException e) {
      return new ApplyOutcome(Set.of(), Map.of(), e.getMessage(), e.isRetryable());
    }
    Set<String> completed = new HashSet<>();
    Map<String, String> errored = new LinkedHashMap<>();
    for (JsonNode message : result.messages()) {
      String type = message.path("type").asText();
      String address = message.path("hook").path("resource").path("addr").asText();
      if (type.equals("apply_complete")) {
        completed.add(address);
      } else if (type.equals("apply_errored")) {
        errored.put(address, message.path("@message").asText());
      }
    }
    List<JsonNode> errors = UiStream.errors(result.messages());
    for (JsonNode diagnostic : errors) {
      String address = diagnostic.path("address").asText("");
      if (!address.isEmpty()) {
        errored.put(address, UiStream.describe(diagnostic));
      }
    }
    String error = "";
    boolean retryable = true;
    if (result.exit() != 0) {
      error =
          errors.isEmpty()
              ? "apply failed: " + owner.runner().failureText(result)
              : String.join("; ", errors.stream().map(UiStream::describe).toList());
      // Config errors cannot happen for a saved plan; provider and lock errors may pass.
      retryable = true;
    }
    outputs.read(result.messages());
    return new ApplyOutcome(Set.copyOf(completed), Map.copyOf(errored), error, retryable);
  }
}
