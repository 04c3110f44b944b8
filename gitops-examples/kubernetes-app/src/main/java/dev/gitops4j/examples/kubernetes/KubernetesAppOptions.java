package dev.gitops4j.examples.kubernetes;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Command line of the example.
 *
 * @param kubeconfig the kubeconfig file naming the cluster
 * @param context context of the kubeconfig to use; empty for its current context
 * @param repo a Git repository of your own to reconcile instead of the bundled storefront
 * @param path folder inside {@code repo} holding the manifests; empty for the repository root
 * @param branch branch of {@code repo} to follow
 * @param healthTimeout how long to wait for the Deployment to become available
 * @param work folder for the local Git repository and the clone cache; empty for a temporary one
 */
public record KubernetesAppOptions(
    Path kubeconfig,
    Optional<String> context,
    Optional<String> repo,
    Optional<String> path,
    String branch,
    Duration healthTimeout,
    Optional<Path> work) {

  static final String USAGE =
      """
      usage: kubernetes-app [--kubeconfig FILE] [--context NAME] [--health-timeout SECONDS]
                            [--repo URL [--path DIR] [--branch NAME]] [--work DIR]
        --kubeconfig FILE         cluster to reconcile into (default: $KUBECONFIG, else ~/.kube/config)
        --context NAME            kubeconfig context (default: its current context)
        --health-timeout SECONDS  how long to wait for the Deployment's rollout (default: 60)
        --repo URL                reconcile your own repository instead of the bundled storefront
        --path DIR                folder of the manifests inside --repo (default: the root)
        --branch NAME             branch of --repo to follow (default: main)
        --work DIR                where the local repository and clone cache go (default: a temp dir)
      """;

  /** Parses {@code args}; a bad or unknown flag is an {@link IllegalArgumentException}. */
  public static KubernetesAppOptions parse(String... args) {
    Path kubeconfig = defaultKubeconfig();
    String context = null;
    String repo = null;
    String path = null;
    String branch = "main";
    Duration healthTimeout = Duration.ofSeconds(60);
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--kubeconfig" -> kubeconfig = Path.of(value);
        case "--context" -> context = value;
        case "--repo" -> repo = value;
        case "--path" -> path = value;
        case "--branch" -> branch = value;
        case "--health-timeout" -> healthTimeout = Duration.ofSeconds(seconds(value));
        case "--work" -> work = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (path != null && repo == null) {
      throw new IllegalArgumentException("--path needs --repo");
    }
    return new KubernetesAppOptions(
        kubeconfig,
        Optional.ofNullable(context),
        Optional.ofNullable(repo),
        Optional.ofNullable(path),
        branch,
        healthTimeout,
        Optional.ofNullable(work));
  }

  /**
   * The client configuration from the kubeconfig file, as kubectl would read it: server, user
   * credentials and certificates of the chosen context.
   */
  Config clientConfig() {
    if (!Files.isRegularFile(kubeconfig)) {
      throw new IllegalArgumentException(
          "kubeconfig " + kubeconfig + " not found; name one with --kubeconfig FILE");
    }
    Config config = Config.fromKubeconfig(context.orElse(null), kubeconfig.toFile());
    // fabric8 falls back to the current context when the named one is missing; kubectl refuses.
    List<String> names = config.getContexts().stream().map(NamedContext::getName).toList();
    if (context.isPresent() && !names.contains(context.get())) {
      throw new IllegalArgumentException(
          "context " + context.get() + " is not in " + kubeconfig + " (it has " + names + ")");
    }
    return config;
  }

  private static Path defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      // Like kubectl, take the first file of a colon-separated list.
      return Path.of(env.split(java.io.File.pathSeparator)[0]);
    }
    return Path.of(System.getProperty("user.home"), ".kube", "config");
  }

  private static long seconds(String value) {
    try {
      long seconds = Long.parseLong(value);
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--health-timeout needs a positive number of seconds");
  }
}
