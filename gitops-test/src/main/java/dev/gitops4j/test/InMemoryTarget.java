package dev.gitops4j.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.InventoryStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real target that lives in memory: a {@link LiveStateProvider} and an {@link Applier} over a map
 * of resources, recording every operation. Use it to test reconcile logic without a cluster, and to
 * simulate drift, foreign objects and failures.
 *
 * <p>Thread-safe. Each stored resource has a version that grows with every write, like a Kubernetes
 * resourceVersion.
 */
public final class InMemoryTarget implements LiveStateProvider, Applier {

  /**
   * One call the target received.
   *
   * @param action create, update, delete, or {@code null} for an observe
   * @param id the resource written, or {@code null} for an observe
   * @param dryRun whether the write was a dry run
   */
  public record Operation(Step.Action action, ResourceId id, boolean dryRun) {

    static Operation observe() {
      return new Operation(null, null, false);
    }

    public boolean isWrite() {
      return action != null && !dryRun;
    }
  }

  private record Stored(JsonNode body, long version, boolean owned) {}

  private final Map<ResourceId, Stored> store = new LinkedHashMap<>();
  private final InventoryStore inventories = InventoryStore.inMemory();
  private final List<Operation> operations = new ArrayList<>();
  private final List<Failure> failures = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Runnable duringApply = () -> {};
  private long versions;

  private record Failure(Predicate<Step> when, TargetException error, boolean once) {}

  private InMemoryTarget() {}

  /** An empty target. */
  public static InMemoryTarget create() {
    return new InMemoryTarget();
  }

  /**
   * This target ready for an engine: manifests rendered with {@link ManifestRenderer} (Kubernetes
   * style identities), compared with {@link StructuralDiffer}, and inventories kept with the
   * target, so they outlive an engine just as a cluster's do.
   */
  public Target target() {
    return Target.builder("memory")
        .renderer(ManifestRenderer.ofDefaults())
        .sessions(TargetSession.of(this, StructuralDiffer.ofDefaults(), this))
        .inventoryStore(inventories)
        .build();
  }

  /** The inventory store that {@link #target()} uses. */
  public InventoryStore inventoryStore() {
    return inventories;
  }

  @Override
  public synchronized LiveState observe(DesiredState desired, Inventory inventory) {
    operations.add(Operation.observe());
    List<LiveResource> live = new ArrayList<>();
    store.forEach(
        (id, stored) -> {
          if (desired.resources().containsKey(id) || inventory.contains(id)) {
            live.add(toLive(id, stored));
          }
        });
    return LiveState.of(live);
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      duringApply.run();
      return write(step, options);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private synchronized String write(Step step, ApplyOptions options) throws TargetException {
    operations.add(new Operation(step.action(), step.id(), options.dryRun()));
    for (Failure failure : List.copyOf(failures)) {
      if (failure.when().test(step)) {
        if (failure.once()) {
          failures.remove(failure);
        }
        throw failure.error();
      }
    }
    Stored current = store.get(step.id());
    switch (step.action()) {
      case CREATE -> {
        if (current != null) {
          throw new TargetException(step.id() + " already exists", false);
        }
      }
      case UPDATE, DELETE -> {
        if (current == null) {
          throw new TargetException(step.id() + " does not exist", false);
        }
      }
    }
    if (options.dryRun()) {
      return "dry run";
    }
    if (step.action() == Step.Action.DELETE) {
      store.remove(step.id());
    } else {
      store.put(step.id(), new Stored(step.desired().body().deepCopy(), ++versions, true));
    }
    return "";
  }

  /** Every call received so far, in order. */
  public synchronized List<Operation> operations() {
    return List.copyOf(operations);
  }

  /** Number of persisted writes (creates, updates, deletes that were not dry runs). */
  public synchronized long writes() {
    return operations.stream().filter(Operation::isWrite).count();
  }

  /** Forgets the recorded operations; the stored resources stay. */
  public synchronized void clearOperations() {
    operations.clear();
  }

  /** The most {@link #apply} calls that ever ran at the same time. */
  public int maxConcurrentApplies() {
    return maxInFlight.get();
  }

  /** Runs {@code action} inside every apply call, before the write; to widen race windows. */
  public void duringApply(Runnable action) {
    this.duringApply = action == null ? () -> {} : action;
  }

  /** The stored body of a resource, if present. */
  public synchronized Optional<JsonNode> get(ResourceId id) {
    return Optional.ofNullable(store.get(id)).map(stored -> stored.body().deepCopy());
  }

  /** Whether the resource exists. */
  public synchronized boolean contains(ResourceId id) {
    return store.containsKey(id);
  }

  /** Identities of all stored resources. */
  public synchronized List<ResourceId> ids() {
    return List.copyOf(store.keySet());
  }

  /** Changes a stored resource behind the reconciler's back (a hand edit). */
  public synchronized void edit(ResourceId id, Consumer<ObjectNode> edit) {
    Stored current = store.get(id);
    if (current == null) {
      throw new IllegalArgumentException("no such resource: " + id);
    }
    ObjectNode copy = (ObjectNode) current.body().deepCopy();
    edit.accept(copy);
    store.put(id, new Stored(copy, ++versions, current.owned()));
  }

  /** Removes a stored resource behind the reconciler's back. */
  public synchronized void deleteOutOfBand(ResourceId id) {
    store.remove(id);
  }

  /** Stores a resource not created by the reconciler; it carries no ownership marker. */
  public synchronized void putForeign(ResourceId id, JsonNode body) {
    store.put(id, new Stored(body.deepCopy(), ++versions, false));
  }

  /** Makes every write matching {@code when} fail with {@code error}, until cleared. */
  public synchronized void failWhen(Predicate<Step> when, TargetException error) {
    failures.add(new Failure(when, error, false));
  }

  /** Makes the next write matching {@code when} fail once with {@code error}. */
  public synchronized void failOnce(Predicate<Step> when, TargetException error) {
    failures.add(new Failure(when, error, true));
  }

  /** Removes every failure set by {@link #failWhen} or {@link #failOnce}. */
  public synchronized void clearFailures() {
    failures.clear();
  }

  private static LiveResource toLive(ResourceId id, Stored stored) {
    return new LiveResource(
        id, stored.body().deepCopy(), Long.toString(stored.version()), stored.owned());
  }
}
