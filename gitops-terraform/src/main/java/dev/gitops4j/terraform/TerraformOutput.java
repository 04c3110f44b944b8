package dev.gitops4j.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A root module output as read with {@code output -json} after the last apply.
 *
 * @param name output name
 * @param value the value; for sensitive outputs a redaction marker, never the value
 * @param sensitive whether the configuration marks the output sensitive
 */
public record TerraformOutput(String name, JsonNode value, boolean sensitive) {

  public TerraformOutput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return name + (sensitive ? " (sensitive)" : " = " + value);
  }
}
