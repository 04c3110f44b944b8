package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.ApplyOptions;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side apply with the target's field manager; deletes with the configured propagation.
 * Conflicts with other field managers and immutable fields are resolved only when forced.
 */
final class KubeApplier {

  private static final Logger LOG = LoggerFactory.getLogger(KubeApplier.class);
  private static final String CRD = "apiextensions.k8s.io/CustomResourceDefinition";

  private final ApplicationState app;
  private final Cluster cluster;

  KubeApplier(ApplicationState app) {
    this.app = app;
    this.cluster = app.cluster;
  }

  String apply(Step step, ApplyOptions options) throws TargetException {
    boolean force = options.force() || cluster.settings.force();
    if (step.action() == Step.Action.DELETE) {
      return delete(step.live(), options.dryRun());
    }
    return applyObject(step.desired(), step.live(), options.dryRun(), force);
  }

  private String applyObject(
      DesiredResource desired, LiveResource live, boolean dryRun, boolean force)
      throws TargetException {
    ResourceId id = desired.id();
    KindInfo kind = resolve(id, desired.body().path("apiVersion").asText(null));
    String hash = app.hash(desired);
    ObjectNode body = OwnershipMarks.marked(desired.body(), app.application, hash);
    if (live != null) {
      refuseOtherApplications(id, live.body(), force);
      leaveForeignFields(body, live.body());
    }
    JsonNode result;
    String remark = "";
    boolean hook = Hooks.isHook(desired.body());
    if (live != null && (hook || HelmHooks.replacedOnChange(desired.body()))) {
      // Helm deletes such a hook before creating its new version; a Job hook then runs again.
      // A sync hook is created anew for each revision the same way.
      String why = hook ? "a hook runs anew" : "hook-delete-policy before-hook-creation";
      if (dryRun) {
        return "would delete and re-create (" + why + ")";
      }
      LOG.info("{}: deleting to re-create it ({})", id, why);
      result = recreate(kind, id, body, force);
      remark = "deleted and re-created (" + why + ")";
      cluster.versions.put(id, OwnershipMarks.resourceVersion(result), hash);
      app.events.watch(java.util.Set.of(kind));
      return remark;
    }
    try {
      result = applyCreatingNamespace(kind, id, body, dryRun, force);
    } catch (KubernetesClientException e) {
      List<String> managers = Errors.conflictingManagers(e);
      if (!managers.isEmpty() && !force && imperativeOnly(kind, id, managers)) {
        // Hand edits took the fields over; drift correction takes them back. Only another
        // applier's fields stay protected unless force is set.
        LOG.info(
            "{}: taking fields {} back from imperative edits by {}",
            id,
            Errors.fields(e),
            managers);
        try {
          result = applyCreatingNamespace(kind, id, body, dryRun, true);
        } catch (KubernetesClientException again) {
          throw failure(id, "apply", again);
        }
        remark =
            (dryRun ? "would take" : "took")
                + " fields back from "
                + String.join(", ", managers)
                + " (imperative edit)";
      } else if (!managers.isEmpty()) {
        throw new TargetException(
            id
                + ": fields "
                + Errors.fields(e)
                + " are managed by "
                + String.join(", ", managers)
                + "; not applied (force resolves conflicts in favour of Git)",
            false,
            cause(id, e));
      } else if (Errors.isImmutable(e)) {
        if (!force) {
          throw new TargetException(
              id
                  + ": immutable field(s) "
                  + Errors.fields(e)
                  + " differ; not applied (force deletes and re-creates the object)",
              false,
              cause(id, e));
        }
        if (dryRun) {
          return "would delete and re-create (immutable field)";
        }
        LOG.info("{}: deleting to re-create it (immutable field changed)", id);
        result = recreate(kind, id, body, force);
        remark = "deleted and re-created (immutable field)";
      } else {
        throw failure(id, "apply", e);
      }
    }
    if (!dryRun) {
      cluster.versions.put(id, OwnershipMarks.resourceVersion(result), hash);
      app.events.watch(java.util.Set.of(kind));
      if (kind.group().equals("apiextensions.k8s.io")
          && kind.kind().equals("CustomResourceDefinition")) {
        awaitEstablished(id);
      }
    }
    return remark;
  }

  private JsonNode applyCreatingNamespace(
      KindInfo kind, ResourceId id, JsonNode body, boolean dryRun, boolean force) {
    try {
      return cluster.apply(kind, id, body, dryRun, force);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 || !kind.namespaced() || !cluster.settings.createNamespaces()) {
        throw e;
      }
      if (cluster.client.namespaces().withName(id.scope()).get() != null) {
        // Another step of the same wave may have just created it: apply once more.
        return cluster.apply(kind, id, body, dryRun, force);
      }
      ObjectNode namespace = Cluster.JSON.createObjectNode();
      namespace.put("apiVersion", "v1").put("kind", "Namespace");
      namespace
          .withObjectProperty("metadata")
          .put("name", id.scope())
          .withObjectProperty("labels")
          .put(OwnershipMarks.MANAGED_BY_LABEL, OwnershipMarks.MANAGED_BY_VALUE);
      cluster.apply(
          new KindInfo("", "v1", "Namespace", "namespaces", false),
          ResourceId.of("Namespace", id.scope()),
          namespace,
          dryRun,
          false);
      if (dryRun) {
        return body; // the namespace is not really there, so the object cannot be dry-run yet
      }
      return cluster.apply(kind, id, body, false, force);
    }
  }

  /**
   * Two applications declaring one object would take it from each other on every pass; the one that
   * finds it labelled with another application refuses instead, unless forced.
   */
  private void refuseOtherApplications(ResourceId id, JsonNode live, boolean force)
      throws TargetException {
    String owner = OwnershipMarks.application(live);
    if (owner != null && !owner.equals(app.application) && !force) {
      throw new TargetException(
          id
              + ": belongs to application "
              + owner
              + " (label "
              + OwnershipMarks.APPLICATION_LABEL
              + "); not applied (force takes it over)",
          false);
    }
  }

  /** Whether every conflicting manager only ever updated the live object (never applied). */
  private boolean imperativeOnly(KindInfo kind, ResourceId id, List<String> managers)
      throws TargetException {
    try {
      return ManagedFields.onlyImperative(
          Cluster.toJson(cluster.resource(kind, id).get()), managers);
    } catch (KubernetesClientException e) {
      throw failure(id, "read for a conflict", e);
    }
  }

  /**
   * Fields owned by ignored managers (an autoscaler's replicas) are left out of updates, so Git
   * does not fight them. Only plain object paths are left out; list elements stay declared.
   */
  private void leaveForeignFields(ObjectNode body, JsonNode live) {
    if (cluster.settings.ignoredManagers().isEmpty()) {
      return;
    }
    for (String pointer :
        ManagedFields.ownedBy(live, m -> Globs.anyMatches(cluster.settings.ignoredManagers(), m))) {
      String[] segments = pointer.substring(1).split("/");
      JsonNode parent = body;
      for (int i = 0; i < segments.length - 1 && parent != null; i++) {
        parent = parent.get(unescape(segments[i]));
      }
      if (parent instanceof ObjectNode object) {
        object.remove(unescape(segments[segments.length - 1]));
      }
    }
  }

  private static String unescape(String segment) {
    return segment.replace("~1", "/").replace("~0", "~");
  }

  private JsonNode recreate(KindInfo kind, ResourceId id, JsonNode body, boolean force)
      throws TargetException {
    try {
      cluster.resource(kind, id).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      cluster
          .resource(kind, id)
          .waitUntilCondition(
              Objects::isNull,
              cluster.settings.establishTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
      return cluster.apply(kind, id, body, false, force);
    } catch (KubernetesClientException e) {
      throw failure(id, "re-create", e);
    }
  }

  private void awaitEstablished(ResourceId id) throws TargetException {
    try {
      cluster
          .client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(id.name())
          .waitUntilCondition(
              KubeApplier::established,
              cluster.settings.establishTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException | IllegalStateException e) {
      throw new TargetException(
          id + ": not Established within " + cluster.settings.establishTimeout(), true, e);
    } finally {
      cluster.discovery.invalidate();
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String delete(LiveResource live, boolean dryRun) throws TargetException {
    ResourceId id = live.id();
    // The allow-lists may have narrowed since the object was created: never delete outside them.
    String refusal = refusal(id);
    if (refusal != null) {
      throw new TargetException(id + ": not pruned: " + refusal, false);
    }
    Optional<KindInfo> kind =
        cluster.discovery.find(id.kind(), live.body().path("apiVersion").asText(null));
    if (kind.isEmpty()) {
      cluster.versions.remove(id);
      return "already gone (kind no longer served)";
    }
    if (dryRun) {
      return "";
    }
    if (!OwnershipMarks.ownedBy(live.body(), app.application)) {
      throw new TargetException(
          id + ": does not carry the ownership label of " + app.application + "; not deleted",
          false);
    }
    // Only the very object observed (and found owned) is deleted: one re-created or changed since
    // then is left for the next pass to decide on, however short the window.
    JsonNode metadata = live.body().path("metadata");
    try {
      boolean deleted =
          cluster.deleteExactly(
              kind.get(), id, metadata.path("uid").asText(null), live.version(), propagation());
      cluster.versions.remove(id);
      if (id.kind().equals(CRD)) {
        cluster.discovery.invalidate(); // an API version went away
      }
      return deleted ? "" : "already gone";
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new TargetException(
            id
                + ": changed or re-created since it was observed; not deleted (the next pass"
                + " decides again)",
            true);
      }
      throw failure(id, "delete", e);
    }
  }

  /** Why the allow-lists forbid touching {@code id}, or {@code null}. */
  private String refusal(ResourceId id) {
    if (!Globs.anyMatches(cluster.settings.allowedKinds(), id.kind())) {
      return "kind "
          + id.kind()
          + " is not allowed for this target (allowed: "
          + cluster.settings.allowedKinds()
          + ")";
    }
    String namespace = id.scope();
    if (namespace == null && "Namespace".equals(id.kind())) {
      namespace = id.name();
    }
    if (namespace != null && !Globs.anyMatches(cluster.settings.allowedNamespaces(), namespace)) {
      return "namespace "
          + namespace
          + " is not allowed for this target (allowed: "
          + cluster.settings.allowedNamespaces()
          + ")";
    }
    return null;
  }

  /** The {@code propagationPolicy} value of the configured propagation. */
  private String propagation() {
    return switch (cluster.settings.deletePropagation()) {
      case BACKGROUND -> "Background";
      case FOREGROUND -> "Foreground";
      case ORPHAN -> "Orphan";
    };
  }

  private KindInfo resolve(ResourceId id, String apiVersion) throws TargetException {
    return cluster
        .discovery
        .find(id.kind(), apiVersion)
        .orElseThrow(
            () ->
                new TargetException(
                    id
                        + ": the API server does not serve "
                        + apiVersion
                        + " "
                        + id.kind()
                        + " (is its CustomResourceDefinition installed?)",
                    true));
  }

  private static TargetException failure(ResourceId id, String what, KubernetesClientException e) {
    return new TargetException(
        id + ": " + what + " failed: " + Errors.describe(e, Cluster.isSecret(id)),
        Errors.isTransient(e),
        cause(id, e));
  }

  /** The client's exception may quote server messages; for Secrets it is left out. */
  private static Throwable cause(ResourceId id, KubernetesClientException e) {
    return Cluster.isSecret(id) ? null : e;
  }
}
