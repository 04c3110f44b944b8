package dev.gitops4j.terraform;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The CLI a target drives, as found by {@code version}.
 *
 * @param path the executable
 * @param flavor {@code OpenTofu} or {@code Terraform}
 * @param version version without the leading {@code v}, e.g. {@code 1.12.6}
 */
public record TerraformBinary(Path path, String flavor, String version) {

  public TerraformBinary {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public String toString() {
    return flavor + " " + version + " (" + path + ")";
  }
}
