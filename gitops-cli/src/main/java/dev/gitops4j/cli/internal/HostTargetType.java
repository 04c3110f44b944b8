package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import dev.gitops4j.vm.VmTarget;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The machine the command runs on, through the VM target's local transport: {@code /etc/x} in Git
 * lands in {@code <root>/etc/x}. Option {@code root} is required.
 */
final class HostTargetType implements TargetType {

  @Override
  public Set<String> options() {
    return Set.of("root");
  }

  @Override
  public Target open(String application, Map<String, String> options, Path stateDir) {
    String root = options.get("root");
    if (root == null || root.isBlank()) {
      throw new CliException("target type 'host' needs -O root=<directory>");
    }
    return VmTarget.local(Path.of(root).toAbsolutePath());
  }
}
