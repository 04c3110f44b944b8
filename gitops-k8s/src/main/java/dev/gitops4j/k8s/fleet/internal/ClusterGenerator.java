package dev.gitops4j.k8s.fleet.internal;

import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.Parameters;
import dev.gitops4j.k8s.fleet.ClusterRegistry;
import dev.gitops4j.k8s.fleet.ClusterSelector;
import dev.gitops4j.k8s.fleet.FleetCluster;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One parameter set per selected cluster of a registry. */
public final class ClusterGenerator implements Generator {

  private final ClusterRegistry registry;
  private final ClusterSelector selector;

  public ClusterGenerator(ClusterRegistry registry, ClusterSelector selector) {
    this.registry = registry;
    this.selector = selector;
  }

  @Override
  public List<Parameters> generate() {
    return registry.select(selector).stream().map(ClusterGenerator::parameters).toList();
  }

  static Parameters parameters(FleetCluster cluster) {
    Map<String, String> values = new TreeMap<>();
    values.put("cluster.name", cluster.name());
    values.put("cluster.server", cluster.server());
    cluster.labels().forEach((key, value) -> values.put("cluster.label." + key, value));
    return Parameters.of(values);
  }

  @Override
  public AutoCloseable subscribe(Runnable onChange) {
    return registry.subscribe(onChange);
  }

  @Override
  public String toString() {
    return "clusters " + selector;
  }
}
