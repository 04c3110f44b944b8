package dev.gitops4j.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The strategies gitops4j's fast path avoids, which ask the API server on every pass what applying
 * each object would produce (a forced server-side apply with {@code dryRun=All}) and compare that
 * with the live object: one dry-run request per object per pass.
 *
 * <ul>
 *   <li>{@link #sequentialPass}: one paged LIST per kind, then the dry runs one after another.
 *   <li>{@link #fluxPass}: what Flux's kustomize-controller runs on every reconcile (fluxcd/pkg
 *       {@code ssa.ResourceManager.ApplyAll}): for each object, with at most {@code concurrency} in
 *       flight (the controller's {@code --concurrent-ssa}, 4 by default), a GET of the live object
 *       (controller-runtime's client does not cache unstructured objects) and the dry run; then the
 *       objects that differ are applied one after another.
 * </ul>
 */
final class DryRunStrategy {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DryRunStrategy() {}

  /**
   * One pass of Flux's strategy over {@code objects} in {@code namespace}, applied by {@code
   * manager}: GET + dry run of every object, {@code concurrency} at a time, then a forced
   * server-side apply of each object that drifted (or is missing), sequentially.
   *
   * @return how many objects were applied
   */
  static int fluxPass(
      KubernetesClient client,
      String namespace,
      List<HasMetadata> objects,
      String manager,
      int concurrency)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<HasMetadata> drifted = new ArrayList<>();
    try {
      List<Future<Boolean>> checks = new ArrayList<>();
      for (HasMetadata object : objects) {
        checks.add(
            pool.submit(
                () -> {
                  HasMetadata current = client.resource(object).inNamespace(namespace).get();
                  HasMetadata predicted =
                      client
                          .resource(object)
                          .inNamespace(namespace)
                          .dryRun()
                          .patch(forcedApply(manager), object);
                  return current == null
                      || !comparable(client, predicted).equals(comparable(client, current));
                }));
      }
      for (int i = 0; i < objects.size(); i++) {
        if (checks.get(i).get()) {
          drifted.add(objects.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    for (HasMetadata object : drifted) {
      client.resource(object).inNamespace(namespace).patch(forcedApply(manager), object);
    }
    return drifted.size();
  }

  /**
   * One sequential pass over {@code objects} in {@code namespace}, applied by {@code manager}:
   * paged LISTs, then a dry run per object. Applies nothing.
   *
   * @return how many objects would change
   */
  static int sequentialPass(
      KubernetesClient client, String namespace, List<HasMetadata> objects, String manager)
      throws Exception {
    Map<Class<?>, Map<String, HasMetadata>> live = new LinkedHashMap<>();
    for (HasMetadata object : objects) {
      if (!live.containsKey(object.getClass())) {
        live.put(object.getClass(), list(client, namespace, object.getClass()));
      }
    }
    int drifted = 0;
    for (HasMetadata object : objects) {
      HasMetadata predicted =
          client
              .resource(object)
              .inNamespace(namespace)
              .dryRun()
              .patch(forcedApply(manager), object);
      HasMetadata current = live.get(object.getClass()).get(object.getMetadata().getName());
      if (current == null || !comparable(client, predicted).equals(comparable(client, current))) {
        drifted++;
      }
    }
    return drifted;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, HasMetadata> list(
      KubernetesClient client, String namespace, Class<?> type) {
    Map<String, HasMetadata> byName = new HashMap<>();
    String next = null;
    do {
      MixedOperation<HasMetadata, KubernetesResourceList<HasMetadata>, Resource<HasMetadata>> ops =
          client.resources((Class) type);
      KubernetesResourceList<HasMetadata> page =
          ops.inNamespace(namespace)
              .list(new ListOptionsBuilder().withLimit(500L).withContinue(next).build());
      page.getItems().forEach(item -> byName.put(item.getMetadata().getName(), item));
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return byName;
  }

  /** The object without what changes on every write or dry run. */
  private static JsonNode comparable(KubernetesClient client, HasMetadata object) throws Exception {
    ObjectNode tree =
        (ObjectNode) JSON.readTree(client.getKubernetesSerialization().asJson(object));
    ObjectNode metadata = (ObjectNode) tree.get("metadata");
    metadata.remove(List.of("managedFields", "resourceVersion", "generation"));
    tree.remove("status");
    return tree;
  }

  /** A forced server-side apply by {@code manager}. */
  private static PatchContext forcedApply(String manager) {
    return new PatchContext.Builder()
        .withPatchType(PatchType.SERVER_SIDE_APPLY)
        .withFieldManager(manager)
        .withForce(true)
        .build();
  }
}
