package dev.gitops4j.examples.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.DiffOptions;
import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.Normalizer;
import dev.gitops4j.diff.Normalizers;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.InventoryStore;
import java.util.Map;

/**
 * The drift logic of one team's workers: which differences between Git and the worker registry are
 * real drift, and which are the registry's or the autoscaler's doing.
 *
 * <p>A worker in Git:
 *
 * <pre>{@code
 * apiVersion: shop.example/v1
 * kind: Worker
 * metadata: {name: checkout, namespace: shop}
 * spec: {queue: orders}
 * }</pre>
 *
 * <p>The same worker read back from the registry carries {@code spec.concurrency: 1} and {@code
 * spec.timeoutSeconds: 30} (defaults the registry fills in), a {@code status} (the registry's own),
 * and {@code spec.replicas} (set by the autoscaler). None of that is drift:
 *
 * <ul>
 *   <li>{@link #registryDefaults()} fills the same defaults into both sides and drops {@code
 *       status}, so a worker that leaves them out compares equal to the registry's copy, while a
 *       hand edit of {@code concurrency} still shows;
 *   <li>{@link #AUTOSCALED} ignores {@code spec.replicas}, so the engine never reverts the
 *       autoscaler.
 * </ul>
 */
public final class WorkerDrift {

  /** The workers' kind as Kubernetes-style identities name it ({@code group/Kind}). */
  public static final String KIND = "shop.example/Worker";

  /** What the registry fills into {@code spec} when a worker leaves it out. */
  public static final Map<String, Integer> DEFAULTS =
      Map.of("concurrency", 1, "timeoutSeconds", 30);

  /** The autoscaler owns {@code spec.replicas}: never drift, never reverted. */
  public static final IgnoreRule AUTOSCALED = IgnoreRule.of("/spec/replicas").forKind(KIND);

  private WorkerDrift() {}

  /**
   * Brings a worker body into the form the registry stores: defaults filled in, {@code status}
   * dropped. Idempotent, never mutates its input, returns the input when it has nothing to do.
   */
  public static Normalizer registryDefaults() {
    Normalizer dropStatus = Normalizers.removeFields("/status");
    Normalizer fillDefaults =
        (id, body) -> {
          JsonNode spec = body.path("spec");
          if (!spec.isObject() || DEFAULTS.keySet().stream().allMatch(spec::has)) {
            return body;
          }
          ObjectNode copy = body.deepCopy();
          ObjectNode filled = (ObjectNode) copy.get("spec");
          DEFAULTS.forEach(
              (field, value) -> {
                if (!filled.has(field)) {
                  filled.set(field, IntNode.valueOf(value));
                }
              });
          return copy;
        };
    return Normalizers.onlyForKind(KIND, dropStatus.andThen(fillDefaults));
  }

  /** Diff options with the workers' normalizer and ignore rule. */
  public static DiffOptions options() {
    return DiffOptions.custom().normalizer(registryDefaults()).ignore(AUTOSCALED).build();
  }

  /** The differ to give a target that holds workers. */
  public static StructuralDiffer differ() {
    return StructuralDiffer.of(options());
  }

  /**
   * A target for workers over any live-state provider and applier: the team's {@link WorkerTarget}
   * in production, the test kit's {@code InMemoryTarget} in unit tests. The drift logic is the same
   * in both.
   */
  public static Target target(
      String endpoint, LiveStateProvider live, Applier applier, InventoryStore inventory) {
    return Target.builder(endpoint)
        .renderer(ManifestRenderer.ofDefaults())
        .sessions(TargetSession.of(live, differ(), applier))
        .inventoryStore(inventory)
        .build();
  }
}
