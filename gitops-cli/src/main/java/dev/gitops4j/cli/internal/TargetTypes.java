package dev.gitops4j.cli.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The target types the command line knows, by name. Add a type here to make it available. */
final class TargetTypes {

  private static final Map<String, Supplier<TargetType>> TYPES = new TreeMap<>();

  static {
    TYPES.put("k8s", KubernetesTargetType::new);
    TYPES.put("kubernetes", KubernetesTargetType::new);
    TYPES.put("terraform", TerraformTargetType::new);
    TYPES.put("tofu", TerraformTargetType::new);
    TYPES.put("host", HostTargetType::new);
  }

  private TargetTypes() {}

  static Set<String> names() {
    return TYPES.keySet();
  }

  /** A fresh instance of the type named {@code name}, which must be one of {@link #names()}. */
  static TargetType create(String name) {
    Supplier<TargetType> type = TYPES.get(name);
    if (type == null) {
      throw new CliException(
          "unknown target type '" + name + "' (known: " + String.join(", ", names()) + ")");
    }
    return type.get();
  }
}
