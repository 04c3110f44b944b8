package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import dev.gitops4j.k8s.KubernetesTarget;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes clusters, reached through a kubeconfig. Applications with the same cluster options
 * share one client and one {@link KubernetesTarget}.
 */
final class KubernetesTargetType implements TargetType {

  private static final Set<String> OPTIONS =
      Set.of(
          "kubeconfig",
          "context",
          "namespace",
          "inventory-namespace",
          "field-manager",
          "create-namespaces",
          "force",
          "kubectl");

  private final Map<Map<String, String>, KubernetesTarget> clusters = new HashMap<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @Override
  public Set<String> options() {
    return OPTIONS;
  }

  @Override
  public Target open(String application, Map<String, String> options, Path stateDir)
      throws Exception {
    KubernetesTarget cluster = clusters.get(options);
    if (cluster == null) {
      cluster = connect(options);
      clusters.put(Map.copyOf(options), cluster);
    }
    return cluster.target(application);
  }

  private KubernetesTarget connect(Map<String, String> options) throws Exception {
    String context = options.get("context");
    Config config;
    if (options.containsKey("kubeconfig")) {
      Path file = Path.of(options.get("kubeconfig"));
      if (!Files.isReadable(file)) {
        throw new CliException("kubeconfig " + file + " is not readable");
      }
      config = Config.fromKubeconfig(context, file.toFile());
    } else {
      // KUBECONFIG, ~/.kube/config or the in-cluster service account, as kubectl does.
      config = Config.autoConfigure(context);
    }
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory())
            .build();
    clients.add(client);
    KubernetesTarget.Builder builder = KubernetesTarget.builder(client);
    if (options.containsKey("namespace")) {
      builder.defaultNamespace(options.get("namespace"));
    }
    if (options.containsKey("inventory-namespace")) {
      builder.inventoryNamespace(options.get("inventory-namespace"));
    }
    if (options.containsKey("field-manager")) {
      builder.fieldManager(options.get("field-manager"));
    }
    if (options.containsKey("kubectl")) {
      builder.kubectl(Path.of(options.get("kubectl")));
    }
    builder.createNamespaces(TargetType.flag(options, "create-namespaces"));
    builder.force(TargetType.flag(options, "force"));
    return builder.build();
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
  }
}
