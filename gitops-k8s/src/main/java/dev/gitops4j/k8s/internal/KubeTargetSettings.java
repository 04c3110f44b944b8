package dev.gitops4j.k8s.internal;

import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.k8s.DeletePropagation;
import dev.gitops4j.k8s.Substitution;
import dev.gitops4j.sops.SopsDecryptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Immutable settings of one Kubernetes target, shared by its parts.
 *
 * @param decryptor decrypts SOPS files before anything is built; null when not configured
 * @param substitution substitutes variables after the build; null when not configured
 */
public record KubeTargetSettings(
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
    int listThreshold,
    SopsDecryptor decryptor,
    Substitution substitution) {

  public KubeTargetSettings {
    ignoreRules = List.copyOf(ignoreRules);
    ignoredManagers = List.copyOf(ignoredManagers);
    allowedNamespaces = List.copyOf(allowedNamespaces);
    allowedKinds = List.copyOf(allowedKinds);
  }
}
