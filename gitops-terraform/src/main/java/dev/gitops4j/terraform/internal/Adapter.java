package dev.gitops4j.terraform.internal;

import dev.gitops4j.diff.Differ;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.terraform.PlanMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Plugs one workspace into the engine's pipeline.
 *
 * <ul>
 *   <li>render: materialize and init when needed; the desired state itself comes from the plan, so
 *       the rendered state holds no resources. Configuration errors surface from {@code plan}, with
 *       file and line.
 *   <li>observe: plan, and show when the plan changes something; live resources are what exists
 *       before the plan.
 *   <li>diff: the plan's actions mapped by {@link PlanMapping}.
 *   <li>apply: the first step of a plan applies the saved plan file as a whole; every step then
 *       reports the outcome for its own address.
 * </ul>
 */
public final class Adapter implements Renderer, LiveStateProvider, Differ, Applier {

  private final Workspace workspace;
  private final Supplier<PlanMode> mode;
  private final TrackingInventoryStore inventory;
  private volatile Origins origins = Origins.none();

  public Adapter(Workspace workspace, Supplier<PlanMode> mode, TrackingInventoryStore inventory) {
    this.workspace = workspace;
    this.mode = mode;
    this.inventory = inventory;
  }

  @Override
  public DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException {
    workspace.render(snapshot);
    origins = Origins.of(snapshot);
    return DesiredState.of(snapshot.revision(), List.of());
  }

  @Override
  public LiveState observe(DesiredState desired, Inventory owned) throws TargetException {
    Workspace.CurrentPlan plan = workspace.plan(desired.revision(), mode.get());
    return LiveState.of(PlanMapping.live(plan.view(), plan.mode()));
  }

  @Override
  public DriftReport diff(DesiredState desired, LiveState live) {
    Workspace.CurrentPlan plan = workspace.current();
    if (plan == null || !plan.revision().equals(desired.revision())) {
      throw new IllegalStateException(
          "no plan of revision " + desired.revision() + "; observe before diff");
    }
    return PlanMapping.drifts(desired.revision(), plan.view(), plan.mode(), origins);
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    Workspace.CurrentPlan plan = workspace.current();
    if (plan == null) {
      throw new TargetException("no plan to apply " + step + " from", true);
    }
    PlanView view = plan.view();
    String address = address(view, step.id());
    if (plan.mode() == PlanMode.REFRESH_ONLY) {
      throw new TargetException(
          "refresh-only plans report drift and are never applied (applying would accept the drift"
              + " into the state); use PlanMode.NORMAL to heal",
          false);
    }
    if (options.dryRun()) {
      return "dry run: plan " + view.digest().substring(0, 12) + " not applied";
    }
    Workspace.ApplyOutcome outcome;
    synchronized (this) {
      if (plan.outcome() == null) {
        refuseUnownedDeletes(view);
      }
      outcome = workspace.apply(plan);
    }
    String error = address == null ? null : outcome.errored().get(address);
    if (error != null) {
      throw new TargetException(error, outcome.retryable());
    }
    if (outcome.failed() && (address == null || !outcome.completed().contains(address))) {
      throw new TargetException("not applied: " + outcome.error(), outcome.retryable());
    }
    PlanView.ResourceChange change = view.change(step.id());
    String how = change != null && change.isReplace() ? "replaced; " : "";
    return how + "plan " + view.digest().substring(0, 12);
  }

  /** Terraform applies whole plans, so a plan that destroys something not owned is refused. */
  private void refuseUnownedDeletes(PlanView view) throws TargetException {
    Inventory owned = inventory.last();
    List<String> unowned = new ArrayList<>();
    for (PlanView.ResourceChange change : view.changes()) {
      boolean destroys =
          change.actions().contains("delete") && !change.actions().contains("create");
      if (destroys && (owned == null || !owned.contains(change.id()))) {
        unowned.add(change.address());
      }
    }
    if (!unowned.isEmpty()) {
      throw new TargetException(
          "the plan destroys "
              + unowned
              + ", which this application does not own (not in its inventory); a plan applies as"
              + " a whole, so nothing was applied",
          false);
    }
  }

  private static String address(PlanView view, ResourceId id) {
    PlanView.ResourceChange change = view.change(id);
    return change == null ? null : change.address();
  }

  /** Remembers the inventory the engine last loaded or stored, for the ownership check. */
  public static final class TrackingInventoryStore implements InventoryStore {
    private final InventoryStore delegate;
    private volatile String application;
    private volatile Inventory last;

    public TrackingInventoryStore(InventoryStore delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Inventory load(String application) throws IOException {
      bind(application);
      Inventory loaded = delegate.load(application);
      last = loaded;
      return loaded;
    }

    @Override
    public void save(String application, Inventory inventory) throws IOException {
      bind(application);
      delegate.save(application, inventory);
      last = inventory;
    }

    /** One workspace holds one state: a second application would share and corrupt it. */
    private synchronized void bind(String name) throws IOException {
      if (application == null) {
        application = name;
      } else if (!application.equals(name)) {
        throw new IOException(
            "this Terraform target serves application "
                + application
                + "; give "
                + name
                + " its own target (own working directory and state)");
      }
    }

    Inventory last() {
      return last;
    }
  }
}
