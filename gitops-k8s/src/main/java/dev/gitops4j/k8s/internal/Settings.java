package dev.gitops4j.k8s.internal;

import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.k8s.DeletePropagation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Immutable settings of one Kubernetes target, shared by its parts. */
public record Settings(
    String fieldManager,
    String inventoryNamespace,
    String defaultNamespace,
    boolean createNamespaces,
    boolean force,
    DeletePropagation deletePropagation,
    Path kubectl,
    Path helm,
    Path chartCache,
    List<IgnoreRule> ignoreRules,
    List<String> ignoredManagers,
    List<String> allowedNamespaces,
    List<String> allowedKinds,
    Duration establishTimeout,
    int listThreshold) {

  public Settings {
    ignoreRules = List.copyOf(ignoreRules);
    ignoredManagers = List.copyOf(ignoredManagers);
    allowedNamespaces = List.copyOf(allowedNamespaces);
    allowedKinds = List.copyOf(allowedKinds);
  }
}
