package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.SyncPolicy;
import java.util.Map;
import java.util.Objects;

/**
 * One application as the command line understands it, before anything is opened.
 *
 * @param name application name
 * @param url repository URL
 * @param ref what to follow
 * @param path folder inside the repository, or empty for the root
 * @param targetType registered target type, e.g. {@code k8s}
 * @param options target options, e.g. {@code kubeconfig}
 * @param policy sync policy for {@code watch}; commands override the mode
 * @param where where the application was declared, for error messages
 * @param auth how the Git source authenticates
 * @param delivery dependencies, sync windows and wave health (configuration files only)
 */
record AppSpec(
    String name,
    String url,
    RefSpec ref,
    String path,
    String targetType,
    Map<String, String> options,
    SyncPolicy policy,
    String where,
    GitAuth auth,
    Delivery delivery) {

  AppSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    path = Objects.requireNonNullElse(path, "");
    Objects.requireNonNull(targetType, "targetType");
    options = Map.copyOf(options);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(where, "where");
    auth = Objects.requireNonNullElse(auth, GitAuth.NONE);
    delivery = Objects.requireNonNullElse(delivery, Delivery.NONE);
  }

  AppSpec withAuth(GitAuth newAuth) {
    return new AppSpec(name, url, ref, path, targetType, options, policy, where, newAuth, delivery);
  }
}
