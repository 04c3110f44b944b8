package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.model.ResourceId;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;

/** What every part of one Kubernetes target shares: client, settings, caches. */
public final class Cluster {

  static final ObjectMapper JSON = new ObjectMapper();

  final KubernetesClient client;
  final Settings settings;
  final Discovery discovery;
  final AppliedVersions versions = new AppliedVersions();
  final Comparison comparison;

  public Cluster(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
    this.discovery = new Discovery(client);
    this.comparison = new Comparison(settings);
  }

  public KubernetesClient client() {
    return client;
  }

  public Settings settings() {
    return settings;
  }

  public Discovery discovery() {
    return discovery;
  }

  MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      kind(KindInfo kind) {
    return client.genericKubernetesResources(kind.context());
  }

  Resource<GenericKubernetesResource> resource(KindInfo kind, ResourceId id) {
    return kind.namespaced()
        ? kind(kind).inNamespace(id.scope()).withName(id.name())
        : kind(kind).withName(id.name());
  }

  /** Server-side apply of {@code body} with the target's field manager. */
  JsonNode apply(KindInfo kind, ResourceId id, JsonNode body, boolean dryRun, boolean force) {
    PatchContext.Builder context =
        new PatchContext.Builder()
            .withPatchType(PatchType.SERVER_SIDE_APPLY)
            .withFieldManager(settings.fieldManager())
            .withForce(force);
    if (dryRun) {
      context.withDryRun(List.of("All"));
    }
    GenericKubernetesResource item;
    try {
      item = JSON.treeToValue(body, GenericKubernetesResource.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot convert " + id, e);
    }
    return toJson(resource(kind, id).patch(context.build(), item));
  }

  static JsonNode toJson(GenericKubernetesResource resource) {
    return resource == null ? null : JSON.valueToTree(resource);
  }

  static boolean isSecret(ResourceId id) {
    return id.kind().equals("Secret") || id.kind().endsWith("/Secret");
  }

  static String group(String qualifiedKind) {
    int slash = qualifiedKind.lastIndexOf('/');
    return slash < 0 ? "" : qualifiedKind.substring(0, slash);
  }
}
