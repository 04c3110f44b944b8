package dev.gitops4j.examples.testing;

import dev.gitops4j.engine.Target;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The team's own target: reads and writes workers in a {@link WorkerRegistry}. Proven against the
 * real registry by {@code WorkerTargetContractTest}, the test kit's provider contract.
 */
public final class WorkerTarget implements LiveStateProvider, Applier {

  /** The ownership marker: entries created through this target are managed by gitops4j. */
  public static final String MANAGED_BY = "gitops4j";

  /** Namespace of workers that declare none. */
  public static final String DEFAULT_NAMESPACE = "default";

  private final WorkerRegistry registry;

  public WorkerTarget(WorkerRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** This target for an engine, with the workers' drift logic and inventories kept on disk. */
  public Target target(InventoryStore inventory) {
    return WorkerDrift.target("workers:" + registry.directory(), this, this, inventory);
  }

  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    Set<ResourceId> wanted = new LinkedHashSet<>(desired.resources().keySet());
    wanted.addAll(inventory.resources());
    List<LiveResource> live = new ArrayList<>();
    for (ResourceId id : wanted) {
      if (!id.kind().equals(WorkerDrift.KIND)) {
        continue; // not ours to read; apply refuses it
      }
      read(id)
          .ifPresent(
              entry ->
                  live.add(
                      new LiveResource(
                          id,
                          entry.manifest(),
                          Long.toString(entry.version()),
                          MANAGED_BY.equals(entry.managedBy()))));
    }
    return LiveState.of(live);
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    ResourceId id = step.id();
    if (!id.kind().equals(WorkerDrift.KIND)) {
      throw new TargetException(
          "the worker registry holds only " + WorkerDrift.KIND + ", not " + id, false);
    }
    boolean exists = read(id).isPresent();
    if (step.action() == Step.Action.CREATE && exists) {
      throw new TargetException(id + " already exists", false);
    }
    if (step.action() != Step.Action.CREATE && !exists) {
      throw new TargetException(id + " does not exist", false);
    }
    if (options.dryRun()) {
      return "dry run";
    }
    try {
      if (step.action() == Step.Action.DELETE) {
        registry.delete(namespace(id), id.name());
      } else {
        registry.write(namespace(id), id.name(), step.desired().body(), MANAGED_BY);
      }
      return "";
    } catch (IllegalArgumentException e) {
      throw new TargetException(id + ": " + e.getMessage(), false);
    } catch (IOException e) {
      throw new TargetException(id + ": " + e.getMessage(), true, e);
    }
  }

  private Optional<WorkerRegistry.Entry> read(ResourceId id) throws TargetException {
    try {
      return registry.read(namespace(id), id.name());
    } catch (IllegalArgumentException e) {
      throw new TargetException(id + ": " + e.getMessage(), false);
    } catch (IOException e) {
      throw new TargetException("cannot read " + id + ": " + e.getMessage(), true, e);
    }
  }

  private static String namespace(ResourceId id) {
    return id.scope() == null || id.scope().isEmpty() ? DEFAULT_NAMESPACE : id.scope();
  }
}
