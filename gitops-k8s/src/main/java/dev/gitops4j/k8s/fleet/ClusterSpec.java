package dev.gitops4j.k8s.fleet;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A cluster as the embedding service knows it: a name, labels for selection, and how to connect.
 * Credentials stay with the embedder: the registry builds one client from them and never logs them.
 *
 * @param name unique within a registry; a DNS label (lower-case letters, digits, {@code -}), so it
 *     can be part of application names
 * @param labels labels that selectors match ({@code env=prod}, {@code wave=1})
 * @param config how to connect: server, credentials, timeouts
 */
public record ClusterSpec(String name, Map<String, String> labels, Config config) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public ClusterSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cluster name '" + name + "' must be a DNS label (" + NAME.pattern() + ")");
    }
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(config, "config of " + name);
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new IllegalArgumentException("the config of cluster " + name + " has no server URL");
    }
  }

  /** A cluster reached with a fabric8 {@code Config} (server, credentials). */
  public static ClusterSpec of(String name, Config config, Map<String, String> labels) {
    return new ClusterSpec(name, labels, config);
  }

  /**
   * A cluster reached through {@code context} of the kubeconfig file {@code kubeconfig}.
   *
   * @throws IllegalArgumentException when the file cannot be read or has no such context
   */
  public static ClusterSpec fromKubeconfig(
      String name, Path kubeconfig, String context, Map<String, String> labels) {
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(context, "context");
    Config config;
    try {
      config = Config.fromKubeconfig(context, kubeconfig.toFile());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read context " + context + " of " + kubeconfig + ": " + e.getMessage(), e);
    }
    if (config.getCurrentContext() == null
        || !context.equals(config.getCurrentContext().getName())) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + " has no context " + context);
    }
    return new ClusterSpec(name, labels, config);
  }

  /** This cluster with {@code labels} instead of its labels. */
  public ClusterSpec withLabels(Map<String, String> labels) {
    return new ClusterSpec(name, labels, config);
  }

  @Override
  public String toString() {
    // The config holds credentials: never printed.
    return "cluster " + name + " " + labels + " at " + config.getMasterUrl();
  }
}
