package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.spring.GitOpsProperties;
import dev.gitops4j.spring.GitOpsProperties.ApplicationProperties;
import dev.gitops4j.spring.GitOpsProperties.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Turns {@code gitops4j.applications.*} into {@link Application}s. Every check names the property
 * that is wrong, so a bad configuration fails the start with a message Spring Boot prints as is.
 */
public final class EngineAssembly {

  private final Environment environment;
  private final KubernetesClusters clusters;
  private final Map<String, Target> targetBeans;

  public EngineAssembly(
      Environment environment, KubernetesClusters clusters, Map<String, Target> targetBeans) {
    this.environment = environment;
    this.clusters = clusters;
    this.targetBeans = targetBeans;
  }

  public List<Application> applications(GitOpsProperties properties) {
    List<Application> applications = new ArrayList<>();
    properties.getApplications().forEach((name, app) -> applications.add(application(name, app)));
    return applications;
  }

  private Application application(String name, ApplicationProperties app) {
    String prefix = "gitops4j.applications." + name + ".";
    if (app.getInterval() == null || app.getInterval().isNegative() || app.getInterval().isZero()) {
      throw invalid(prefix + "interval", app.getInterval(), "must be positive");
    }
    try {
      return Application.builder(name)
          .source(source(prefix + "source.", app.getSource()))
          .target(target(prefix + "target", name, app.getTarget()))
          .policy(policy(app.getPolicy()))
          .interval(app.getInterval())
          .dependsOn(app.getDependsOn().toArray(String[]::new))
          .build();
    } catch (IllegalArgumentException | NullPointerException e) {
      if (e instanceof InvalidConfigurationPropertyValueException) {
        throw e;
      }
      throw invalid("gitops4j.applications." + name, null, e.getMessage());
    }
  }

  private GitSource source(String prefix, Source source) {
    if (source.getUrl() == null || source.getUrl().isBlank()) {
      throw invalid(prefix + "url", source.getUrl(), "the Git repository URL is required");
    }
    GitSource.Builder git;
    try {
      git = GitSource.builder(source.getUrl());
    } catch (IllegalArgumentException e) {
      throw invalid(prefix + "url", source.getUrl(), e.getMessage());
    }
    try {
      git.ref(ref(source.getRef()));
    } catch (IllegalArgumentException e) {
      throw invalid(prefix + "ref", source.getRef(), e.getMessage());
    }
    try {
      git.path(source.getPath() == null ? "" : source.getPath());
    } catch (IllegalArgumentException e) {
      throw invalid(prefix + "path", source.getPath(), e.getMessage());
    }
    if (source.getCacheDir() != null) {
      git.cacheDir(source.getCacheDir());
    }
    if (source.getTokenEnv() != null && source.getUsername() != null) {
      throw invalid(prefix + "token-env", source.getTokenEnv(), "set either token-env or username");
    }
    if (source.getTokenEnv() != null) {
      git.tokenAuth(secret(prefix + "token-env", source.getTokenEnv()));
    }
    if (source.getUsername() != null) {
      if (source.getPasswordEnv() == null) {
        throw invalid(prefix + "password-env", null, "username needs password-env as well");
      }
      git.basicAuth(source.getUsername(), secret(prefix + "password-env", source.getPasswordEnv()));
    }
    if (source.getSshKey() != null) {
      try {
        git.sshKey(source.getSshKey());
      } catch (IllegalArgumentException e) {
        throw invalid(prefix + "ssh-key", source.getSshKey(), e.getMessage());
      }
    }
    if (source.getKnownHosts() != null) {
      try {
        git.knownHosts(source.getKnownHosts());
      } catch (IllegalArgumentException e) {
        throw invalid(prefix + "known-hosts", source.getKnownHosts(), e.getMessage());
      }
    }
    try {
      return git.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(prefix + "url", source.getUrl(), e.getMessage());
    }
  }

  /**
   * {@code main}, {@code branch:main}, {@code tag:v1}, {@code semver:^1.2}, {@code commit:<id>}.
   */
  static GitRef ref(String ref) {
    if (ref == null || ref.isBlank()) {
      throw new IllegalArgumentException("a ref is required, e.g. main or tag:v1.0.0");
    }
    int colon = ref.indexOf(':');
    if (colon < 0) {
      return GitRef.branch(ref);
    }
    String kind = ref.substring(0, colon);
    String value = ref.substring(colon + 1);
    return switch (kind) {
      case "branch" -> GitRef.branch(value);
      case "tag" -> GitRef.tag(value);
      case "semver" -> GitRef.semver(value);
      case "commit" -> GitRef.commit(value);
      default ->
          throw new IllegalArgumentException(
              "unknown kind '" + kind + "': use branch:, tag:, semver: or commit:");
    };
  }

  private String secret(String property, String variable) {
    String value = environment.getProperty(variable);
    if (value == null || value.isEmpty()) {
      throw invalid(property, variable, "environment variable " + variable + " is not set");
    }
    return value;
  }

  private Target target(String property, String application, String reference) {
    Optional<String> name = Optional.ofNullable(reference).filter(r -> !r.isBlank());
    if (name.isEmpty()) {
      int count = clusters.clusters().size() + targetBeans.size();
      if (count != 1) {
        throw invalid(
            property,
            null,
            count == 0
                ? "no target: declare a cluster under gitops4j.kubernetes or a Target bean"
                : "name one of " + choices());
      }
      return clusters.clusters().isEmpty()
          ? targetBeans.values().iterator().next()
          : clusters.clusters().values().iterator().next().target(application);
    }
    Optional<KubernetesTarget> cluster = clusters.cluster(name.get());
    if (cluster.isPresent()) {
      return cluster.get().target(application);
    }
    Target bean = targetBeans.get(name.get());
    if (bean == null) {
      throw invalid(property, name.get(), "no such target; known: " + choices());
    }
    return bean;
  }

  private String choices() {
    TreeSet<String> names = new TreeSet<>(clusters.clusters().keySet());
    names.addAll(targetBeans.keySet());
    return names.toString();
  }

  private static SyncPolicy policy(GitOpsProperties.Policy policy) {
    return switch (policy) {
      case AUTOMATIC -> SyncPolicy.automatic();
      case DETECT_ONLY -> SyncPolicy.detectOnly();
      case MANUAL_APPROVAL -> SyncPolicy.manualApproval();
    };
  }

  static InvalidConfigurationPropertyValueException invalid(
      String property, Object value, String reason) {
    return new InvalidConfigurationPropertyValueException(property, value, reason);
  }
}
