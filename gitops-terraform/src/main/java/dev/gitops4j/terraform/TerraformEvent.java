package dev.gitops4j.terraform;

import java.util.Objects;

/**
 * One progress message from the CLI's machine-readable UI stream ({@code -json}).
 *
 * @param type what happened
 * @param address resource address ({@code module.m.local_file.b}), or empty for messages about the
 *     whole run
 * @param action the planned or applied action ({@code create}, {@code update}, {@code delete},
 *     {@code replace}, ...), or empty
 * @param message the CLI's one-line message; diagnostics carry their summary and location, never
 *     variable values
 */
public record TerraformEvent(Type type, String address, String action, String message) {

  /** The kinds of UI messages that are passed on. */
  public enum Type {
    /** {@code planned_change}: the plan changes a resource. */
    PLANNED_CHANGE,
    /** {@code resource_drift}: a resource changed outside of Terraform. */
    RESOURCE_DRIFT,
    /** {@code apply_start}: the CLI started changing a resource. */
    APPLY_START,
    /** {@code apply_complete}: a resource was changed. */
    APPLY_COMPLETE,
    /** {@code apply_errored}: changing a resource failed. */
    APPLY_ERRORED,
    /** {@code diagnostic}: an error or warning. */
    DIAGNOSTIC
  }

  public TerraformEvent {
    Objects.requireNonNull(type, "type");
    address = Objects.requireNonNullElse(address, "");
    action = Objects.requireNonNullElse(action, "");
    message = Objects.requireNonNullElse(message, "");
  }
}
