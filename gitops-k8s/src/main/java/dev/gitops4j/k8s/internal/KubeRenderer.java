package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.k8s.HelmRelease;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SOPS files decrypted, plain manifests or a kustomization with variables substituted after the
 * build (or a Helm release), then Kubernetes checks: each kind's scope is known (built-in table, a
 * CRD of the same revision, or discovery), namespaced objects without a namespace get the default
 * one, cluster-scoped objects declare none, names, namespaces, labels and annotation keys follow
 * the API server's rules, and allow-lists of namespaces and kinds hold. Every problem is reported
 * with its file and line before anything is written.
 */
public final class KubeRenderer implements Renderer {

  private final KubeTargetSettings settings;
  private final Discovery discovery;
  private final ManifestRenderer manifests = ManifestRenderer.ofDefaults();
  private final Kustomize kustomize;

  // The namespaced copies made in the last render, by the declared body they were made from. The
  // manifest renderer hands out the same body for an unchanged file, so an unchanged object keeps
  // its body instance (and with it its cached hash) across revisions. Replaced on every render.
  private volatile Map<JsonNode, ObjectNode> placedBodies = new IdentityHashMap<>();

  // The substitution variables read by externalInputs(), taken by the render that follows.
  private volatile Map<String, String> passVariables;

  private final HelmRelease release;
  private final Helm helm;
  private final RemoteChart remoteChart;
  private final Cluster cluster;

  /** Plain manifests or a kustomization. */
  public KubeRenderer(KubeTargetSettings settings, Discovery discovery) {
    this(settings, discovery, null, null);
  }

  /** {@code release} rendered with helm, for the cluster behind {@code cluster}. */
  public KubeRenderer(Cluster cluster, HelmRelease release) {
    this(cluster.settings(), cluster.discovery(), release, cluster);
  }

  private KubeRenderer(
      KubeTargetSettings settings, Discovery discovery, HelmRelease release, Cluster cluster) {
    this.settings = settings;
    this.discovery = discovery;
    this.kustomize = new Kustomize(settings.kubectl(), Duration.ofMinutes(2));
    this.release = release;
    this.cluster = cluster;
    this.helm = release == null ? null : new Helm(settings.helm(), Duration.ofMinutes(2));
    this.remoteChart =
        release == null || release.source() == HelmRelease.ChartSource.REVISION
            ? null
            : new RemoteChart(release, settings.chartCache(), System::nanoTime);
  }

  /**
   * What the render reads besides the revision, so the engine renders again when it changed and
   * records it: the chart a release from a repository or registry resolves to now (name, version,
   * digest), or the substitution variables (names and a keyed digest of the values); else empty.
   */
  @Override
  public String externalInputs() throws InvalidDesiredStateException, TargetException {
    if (remoteChart != null) {
      return remoteChart.resolve().describe();
    }
    if (release == null && settings.substitution() != null) {
      Map<String, String> variables = Substitutor.variables(settings.substitution());
      passVariables = variables;
      return Substitutor.fingerprint(variables);
    }
    return "";
  }

  /** How many times helm ran for this renderer. */
  public long helmRuns() {
    return helm == null ? 0 : helm.runs();
  }

  @Override
  public DesiredState render(Snapshot snapshot)
      throws InvalidDesiredStateException, TargetException {
    if (settings.decryptor() == null) {
      return renderPlaintext(snapshot);
    }
    // Decrypted before any build, so kustomize generators and helm values read plaintext.
    Snapshot decrypted = settings.decryptor().decrypt(snapshot);
    try {
      return renderPlaintext(decrypted);
    } catch (InvalidDesiredStateException e) {
      // Tools and checks after decryption read plaintext: their messages must not repeat it.
      List<Problem> problems = new ArrayList<>();
      for (Problem problem : e.problems()) {
        problems.add(new Problem(problem.origin(), settings.decryptor().redact(problem.message())));
      }
      throw new InvalidDesiredStateException(problems);
    } catch (TargetException e) {
      throw new TargetException(settings.decryptor().redact(e.getMessage()), e.isRetryable());
    }
  }

  private DesiredState renderPlaintext(Snapshot snapshot)
      throws InvalidDesiredStateException, TargetException {
    Snapshot input = snapshot;
    String namespace = settings.defaultNamespace();
    if (release != null) {
      if (!release.namespace().isEmpty()) {
        namespace = release.namespace();
      }
      RemoteChart.Resolved remote = remoteChart == null ? null : remoteChart.resolve();
      List<SourceFile> rendered =
          helm.template(snapshot, release, namespace, cluster.helmCapabilities(), remote);
      input = new Snapshot(snapshot.revision(), snapshot.commit(), rendered);
    } else {
      Optional<String> kustomization = Kustomize.kustomization(snapshot);
      if (kustomization.isPresent()) {
        SourceFile built = kustomize.build(snapshot, kustomization.get());
        input = new Snapshot(snapshot.revision(), snapshot.commit(), List.of(built));
      }
      if (settings.substitution() != null) {
        // The engine asks for the external inputs just before it renders: read the sources once.
        Map<String, String> known = passVariables;
        passVariables = null;
        input = Substitutor.apply(settings.substitution(), known, input);
      }
    }
    DesiredState plain = manifests.render(input);
    if (release != null) {
      plain = HelmHooks.asWaves(plain);
    }

    List<Problem> problems = new ArrayList<>();
    plain = Hooks.arrange(plain, problems);
    Map<String, Boolean> declaredScopes = declaredCrdScopes(plain);
    List<DesiredResource> resources = new ArrayList<>();
    Map<ResourceId, DesiredResource> seen = new HashMap<>();
    Map<JsonNode, ObjectNode> previous = this.placedBodies;
    Map<JsonNode, ObjectNode> next = new IdentityHashMap<>();
    for (DesiredResource resource : plain.resources().values()) {
      DesiredResource placed = place(resource, namespace, declaredScopes, problems, previous, next);
      if (placed == null) {
        continue;
      }
      DesiredResource first = seen.putIfAbsent(placed.id(), placed);
      if (first != null) {
        problems.add(
            new Problem(
                placed.origin(),
                "duplicate resource "
                    + placed.id()
                    + " (first declared at "
                    + first.origin()
                    + ")"));
        continue;
      }
      checkAllowed(placed, problems);
      MetadataRules.check(placed, problems);
      resources.add(placed);
    }
    this.placedBodies = next;
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    return DesiredState.of(plain.revision(), resources);
  }

  /** Sets the default namespace where needed; null (with a problem) when the scope is unknown. */
  private DesiredResource place(
      DesiredResource resource,
      String defaultNamespace,
      Map<String, Boolean> declaredScopes,
      List<Problem> problems,
      Map<JsonNode, ObjectNode> previous,
      Map<JsonNode, ObjectNode> next)
      throws TargetException {
    ResourceId id = resource.id();
    Boolean namespaced =
        Discovery.builtinNamespaced(id.kind()).orElse(declaredScopes.get(id.kind()));
    if (namespaced == null) {
      // An unreachable API server is a target failure the engine retries, not an invalid revision.
      namespaced =
          discovery
              .find(id.kind(), resource.body().path("apiVersion").asText(null))
              .map(KindInfo::namespaced)
              .orElse(null);
    }
    if (namespaced == null) {
      problems.add(
          new Problem(
              resource.origin(),
              "unknown kind "
                  + resource.body().path("apiVersion").asText()
                  + " "
                  + resource.body().path("kind").asText()
                  + ": the API server does not serve it and no CustomResourceDefinition of this"
                  + " revision declares it"));
      return null;
    }
    if (!namespaced) {
      if (id.isScoped()) {
        problems.add(
            new Problem(
                resource.origin(),
                id.kind()
                    + " "
                    + id.name()
                    + " is cluster-scoped and must not set metadata.namespace"));
        return null;
      }
      return resource;
    }
    if (id.isScoped()) {
      return resource;
    }
    ObjectNode body = previous.get(resource.body());
    if (body == null) {
      body = withNamespace(resource.body(), defaultNamespace);
    }
    next.put(resource.body(), body);
    return new DesiredResource(
        ResourceId.of(id.kind(), defaultNamespace, id.name()),
        body,
        resource.origin(),
        resource.revision());
  }

  /**
   * {@code body} with {@code metadata.namespace} set, sharing every other subtree with it: rendered
   * trees are never changed in place, and a deep copy would double what a revision keeps.
   */
  static ObjectNode withNamespace(JsonNode body, String namespace) {
    ObjectNode copy = JsonNodeFactory.instance.objectNode();
    body.properties().forEach(field -> copy.set(field.getKey(), field.getValue()));
    ObjectNode metadata = JsonNodeFactory.instance.objectNode();
    body.path("metadata")
        .properties()
        .forEach(field -> metadata.set(field.getKey(), field.getValue()));
    metadata.put("namespace", namespace);
    copy.set("metadata", metadata);
    return copy;
  }

  private void checkAllowed(DesiredResource resource, List<Problem> problems) {
    ResourceId id = resource.id();
    if (!Globs.anyMatches(settings.allowedKinds(), id.kind())) {
      problems.add(
          new Problem(
              resource.origin(),
              "kind "
                  + id.kind()
                  + " is not allowed for this target (allowed: "
                  + settings.allowedKinds()
                  + ")"));
    }
    String namespace = id.scope();
    if (namespace == null && "Namespace".equals(id.kind())) {
      namespace = id.name();
    }
    if (namespace != null && !Globs.anyMatches(settings.allowedNamespaces(), namespace)) {
      problems.add(
          new Problem(
              resource.origin(),
              id
                  + ": namespace "
                  + namespace
                  + " is not allowed for this target (allowed: "
                  + settings.allowedNamespaces()
                  + ")"));
    }
  }

  /** {@code group/Kind} to namespaced, for the CRDs the revision itself declares. */
  private static Map<String, Boolean> declaredCrdScopes(DesiredState state) {
    Map<String, Boolean> scopes = new HashMap<>();
    for (DesiredResource resource : state.resources().values()) {
      if (!resource.id().kind().equals("apiextensions.k8s.io/CustomResourceDefinition")) {
        continue;
      }
      JsonNode spec = resource.body().path("spec");
      String group = spec.path("group").asText("");
      String kind = spec.path("names").path("kind").asText("");
      if (!group.isEmpty() && !kind.isEmpty()) {
        scopes.put(group + "/" + kind, !"Cluster".equals(spec.path("scope").asText()));
      }
    }
    return scopes;
  }
}
