package dev.gitops4j.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A root module output of the state, as the last plan or apply saw it.
 *
 * @param name output name
 * @param value the value; for sensitive outputs a redaction marker (the CLI does not print their
 *     values, so the marker does not change with the value)
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
