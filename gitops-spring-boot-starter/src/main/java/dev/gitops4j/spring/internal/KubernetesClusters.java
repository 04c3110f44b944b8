package dev.gitops4j.spring.internal;

import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.spring.GitOpsProperties.KubernetesProperties;
import dev.gitops4j.state.StateStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The clusters under {@code gitops4j.kubernetes}: one client and one {@link KubernetesTarget} each,
 * closed with the context (after the engine, which stops using them first).
 */
public final class KubernetesClusters implements AutoCloseable {

  private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
  private final Map<String, KubernetesTarget> targets = new LinkedHashMap<>();

  public KubernetesClusters(Map<String, KubernetesProperties> clusters, StateStore state) {
    try {
      clusters.forEach((name, cluster) -> open(name, cluster, state));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void open(String name, KubernetesProperties cluster, StateStore state) {
    String prefix = "gitops4j.kubernetes." + name + ".";
    Config config;
    if (cluster.getKubeconfig() != null) {
      if (!Files.isRegularFile(cluster.getKubeconfig())) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "kubeconfig", cluster.getKubeconfig(), "no such file");
      }
      try {
        config = Config.fromKubeconfig(cluster.getContext(), cluster.getKubeconfig().toFile());
      } catch (RuntimeException e) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "kubeconfig",
            cluster.getKubeconfig(),
            "not a usable kubeconfig"
                + (cluster.getContext() == null ? "" : " with context " + cluster.getContext())
                + ": "
                + e.getMessage());
      }
    } else {
      // In a pod: the service account; elsewhere $KUBECONFIG or ~/.kube/config.
      config = Config.autoConfigure(cluster.getContext());
    }
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    clients.put(name, client);
    KubernetesTarget target;
    try {
      target =
          KubernetesTarget.builder(client)
              .fieldManager(cluster.getFieldManager())
              .defaultNamespace(cluster.getDefaultNamespace())
              .inventoryNamespace(cluster.getInventoryNamespace())
              .createNamespaces(cluster.isCreateNamespaces())
              .state(state)
              .build();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(prefix, null, e.getMessage());
    }
    targets.put(name, target);
  }

  /** The cluster of that name under {@code gitops4j.kubernetes}. */
  public Optional<KubernetesTarget> cluster(String name) {
    return Optional.ofNullable(targets.get(name));
  }

  /** The client of that cluster, for a Lease, say. */
  public Optional<KubernetesClient> client(String name) {
    return Optional.ofNullable(clients.get(name));
  }

  public Map<String, KubernetesTarget> clusters() {
    return Map.copyOf(targets);
  }

  @Override
  public void close() {
    targets.values().forEach(KubernetesTarget::close);
    clients.values().forEach(KubernetesClient::close);
  }
}
