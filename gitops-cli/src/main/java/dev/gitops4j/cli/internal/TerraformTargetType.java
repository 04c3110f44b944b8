package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import dev.gitops4j.terraform.TerraformTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Terraform/OpenTofu configurations. Each application gets its own working directory (local state
 * lives there unless the configuration declares a backend), by default under the state directory.
 * The targets opened for a command run are closed with it.
 */
final class TerraformTargetType implements TargetType {

  private static final Set<String> OPTIONS =
      Set.of("binary", "dir", "cli-config", "plugin-cache", "var-file", "backend-config");

  private final List<TerraformTarget> opened = new ArrayList<>();

  @Override
  public Set<String> options() {
    return OPTIONS;
  }

  @Override
  public boolean accepts(String key) {
    return OPTIONS.contains(key) || (key.startsWith("var.") && key.length() > 4);
  }

  @Override
  public Target open(String application, Map<String, String> options, Path stateDir) {
    Path dir =
        options.containsKey("dir")
            ? Path.of(options.get("dir")).toAbsolutePath()
            : stateDir.resolve("terraform");
    TerraformTarget.Builder builder = TerraformTarget.builder(dir);
    options.forEach(
        (key, value) -> {
          switch (key) {
            case "binary" -> builder.binary(Path.of(value));
            case "cli-config" -> builder.cliConfig(Path.of(value).toAbsolutePath());
            case "plugin-cache" -> builder.pluginCacheDir(Path.of(value).toAbsolutePath());
            case "var-file" -> builder.varFile(value);
            case "backend-config" -> builder.backendConfig(value);
            case "dir" -> {}
            default -> builder.variable(key.substring("var.".length()), value);
          }
        });
    TerraformTarget target = builder.build();
    opened.add(target);
    return target.target(application);
  }

  @Override
  public void close() {
    opened.forEach(TerraformTarget::close);
  }
}
