package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Observes exactly the objects an application declares or owns, then decides for each declared
 * object whether it is in sync.
 *
 * <p>Reads: while the application's watches are open (a started engine), from what they hold, for
 * every object that is still exactly what gitops4j last applied or verified; the rest, and
 * everything when nothing is watched, from the API server: one GET per object, or one paged LIST
 * per kind and namespace once at least {@code listThreshold} objects of that kind live in that
 * namespace (a LIST of 500 costs about what a few GETs cost, and avoids N round trips for large
 * applications).
 *
 * <p>Comparison: the fast path needs no request at all: when the live object still has the
 * resourceVersion gitops4j saw right after its last apply (or last verification) and carries the
 * hash of the current declared body, it is in sync. Otherwise a server-side dry-run apply of the
 * declared body predicts what an apply would produce (defaults, webhooks, merges), and that
 * prediction is compared with the live object after normalization. An object that compares in sync
 * has its resourceVersion remembered, so the next pass takes the fast path again.
 */
final class KubeLiveState {

  private static final long PAGE = 500;

  private final ApplicationState app;
  private final Cluster cluster;
  private final DryRun dryRun;

  KubeLiveState(ApplicationState app) {
    this.app = app;
    this.cluster = app.cluster;
    this.dryRun = new DryRun(app);
  }

  /**
   * Reads the declared and owned objects and records in {@code verdicts} how each declared one
   * compares; {@code wholeRevision} when {@code desired} is all the revision declares, so hashes of
   * bodies it no longer declares can be forgotten.
   */
  LiveState observe(
      DesiredState desired,
      Inventory inventory,
      Map<ResourceId, Verdict> verdicts,
      boolean wholeRevision)
      throws TargetException {
    Map<ResourceId, String> apiVersions = new LinkedHashMap<>();
    desired
        .resources()
        .forEach((id, r) -> apiVersions.put(id, r.body().path("apiVersion").asText(null)));
    for (ResourceId id : inventory.resources()) {
      apiVersions.putIfAbsent(id, null);
    }
    Map<String, List<ResourceId>> byKindAndScope = new LinkedHashMap<>();
    for (ResourceId id : apiVersions.keySet()) {
      byKindAndScope.computeIfAbsent(id.kind() + "|" + id.scope(), k -> new ArrayList<>()).add(id);
    }

    List<LiveResource> found = new ArrayList<>();
    Set<KindInfo> kinds = new LinkedHashSet<>();
    for (List<ResourceId> ids : byKindAndScope.values()) {
      ResourceId first = ids.get(0);
      Optional<KindInfo> kind = cluster.discovery.find(first.kind(), apiVersions.get(first));
      if (kind.isEmpty()) {
        continue; // not served: none of these objects can exist
      }
      kinds.add(kind.get());
      Map<ResourceId, JsonNode> bodies = read(kind.get(), ids, desired);
      bodies.forEach(
          (id, body) ->
              found.add(
                  new LiveResource(
                      id,
                      body,
                      OwnershipMarks.resourceVersion(body),
                      OwnershipMarks.ownedBy(body, app.application))));
    }
    app.events.watch(kinds);

    verdicts.clear();
    for (LiveResource live : found) {
      DesiredResource declared = desired.resources().get(live.id());
      if (declared != null) {
        Verdict verdict = compare(declared, live);
        verdicts.put(live.id(), verdict);
        if (verdict.changes().isEmpty()
            && verdict.rejection() == null
            && live.body().path("metadata") instanceof ObjectNode metadata
            && metadata.has("managedFields")) {
          // An object in sync is not written, so its field managers are never read again, yet the
          // tree outlives the pass (the last result, health): they are most of a typical object.
          metadata.remove("managedFields");
        }
      }
    }
    if (wholeRevision) {
      app.retainHashes(desired.resources().keySet());
    }
    return LiveState.of(found);
  }

  /**
   * The objects {@code ids} of {@code kind} (one namespace): from the watch while it is open, for
   * each object it holds that is still what gitops4j last applied or verified; from the API server
   * for the rest (changed, unknown or not watched), so a cache that lags never decides a write.
   */
  private Map<ResourceId, JsonNode> read(KindInfo kind, List<ResourceId> ids, DesiredState desired)
      throws TargetException {
    Optional<WatchedObjects> watched = app.events.watched(kind);
    if (watched.isEmpty()) {
      return fetch(kind, ids);
    }
    Map<ResourceId, JsonNode> out = new LinkedHashMap<>();
    List<ResourceId> stale = new ArrayList<>();
    for (ResourceId id : ids) {
      ObjectNode cached = watched.get().get(id.scope(), id.name());
      DesiredResource declared = desired.resources().get(id);
      // Not declared: read for ownership and pruning, whose delete is conditional on uid and
      // resourceVersion, so a lagging copy can only make it refuse.
      if (cached != null && (declared == null || unchanged(declared, cached))) {
        out.put(id, cached);
      } else {
        stale.add(id);
      }
    }
    if (!stale.isEmpty()) {
      out.putAll(fetch(kind, stale));
    }
    return out;
  }

  /** One GET per object, or a paged LIST once there are enough of them. */
  private Map<ResourceId, JsonNode> fetch(KindInfo kind, List<ResourceId> ids)
      throws TargetException {
    return ids.size() >= cluster.settings.listThreshold() && kind.namespaced()
        ? list(kind, ids)
        : get(kind, ids);
  }

  /**
   * Whether {@code live} is exactly what gitops4j last applied or verified of the current declared
   * body: same resourceVersion, same body hash, marked with it. Such an object is in sync without a
   * request.
   */
  private boolean unchanged(DesiredResource declared, JsonNode live) {
    String hash = app.hash(declared);
    AppliedVersions.Applied applied = cluster.versions.get(declared.id());
    return applied != null
        && applied.resourceVersion().equals(OwnershipMarks.resourceVersion(live))
        && applied.hash().equals(hash)
        && hash.equals(OwnershipMarks.appliedHash(live));
  }

  private Verdict compare(DesiredResource declared, LiveResource live) throws TargetException {
    String hash = app.hash(declared);
    if (unchanged(declared, live.body())) {
      return new Verdict(declared, live.version(), List.of(), null);
    }
    DryRun.Outcome predicted = dryRun.of(declared, hash);
    List<Change> changes;
    if (predicted.body() != null) {
      changes = cluster.comparison.predictedChanges(live.id(), predicted.body(), live.body());
    } else {
      // Refused or not servable: compare the declared fields; validation reports the refusal.
      changes =
          cluster.comparison.declaredChanges(
              live.id(),
              OwnershipMarks.marked(declared.body(), app.application, hash),
              live.body());
    }
    if (changes.isEmpty()) {
      cluster.versions.put(live.id(), live.version(), hash);
    }
    return new Verdict(declared, live.version(), changes, predicted.rejection());
  }

  private Map<ResourceId, JsonNode> get(KindInfo kind, List<ResourceId> ids)
      throws TargetException {
    Map<ResourceId, JsonNode> out = new LinkedHashMap<>();
    for (ResourceId id : ids) {
      try {
        JsonNode body = Cluster.toJson(cluster.resource(kind, id).get());
        if (body != null) {
          out.put(id, body);
        }
      } catch (KubernetesClientException e) {
        throw Errors.observe("read " + id, e);
      }
    }
    return out;
  }

  private Map<ResourceId, JsonNode> list(KindInfo kind, List<ResourceId> ids)
      throws TargetException {
    String namespace = ids.get(0).scope();
    Map<String, ResourceId> wanted = new HashMap<>();
    ids.forEach(id -> wanted.put(id.name(), id));
    Map<ResourceId, JsonNode> out = new LinkedHashMap<>();
    String next = null;
    try {
      do {
        Cluster.Page page = cluster.listPage(kind, namespace, PAGE, next);
        for (ObjectNode item : page.items()) {
          ResourceId id = wanted.get(item.path("metadata").path("name").asText(""));
          if (id != null) {
            out.put(id, item);
          }
        }
        next = page.continueToken();
      } while (next != null && !next.isEmpty());
    } catch (KubernetesClientException e) {
      throw Errors.observe("list " + kind.plural() + " in " + namespace, e);
    }
    return out;
  }
}
