package dev.gitops4j.terraform.internal;

import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.terraform.PlanMode;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of one application on its working directory. The session holds the plan of its pass:
 *
 * <ul>
 *   <li>observe: plan (and show when the plan changes something) into a plan file of this pass;
 *       live resources are what exists before the plan, as far as the desired state declares them
 *       or the inventory holds them.
 *   <li>diff: the plan's actions mapped by {@link PlanMapping}.
 *   <li>validate: the plan must apply as a whole: never a refresh-only plan, and nothing destroyed
 *       that the pass's inventory does not hold. Refused before the first write.
 *   <li>apply: the first step applies the saved plan file as a whole, once; every step then reports
 *       the outcome for its own address.
 *   <li>close: the plan file goes, applied or not.
 * </ul>
 */
public final class TerraformSession implements TargetSession {

  private static final Logger LOG = LoggerFactory.getLogger(TerraformSession.class);

  static final String REFRESH_ONLY_REFUSED =
      "refresh-only plans report drift and are never applied (applying would accept the drift"
          + " into the state); use PlanMode.NORMAL to heal";

  private final WorkingDirectory directory;
  private final PassContext context;
  private final PlanMode mode;
  private final Object applying = new Object();
  private volatile SavedPlan plan;
  private volatile SavedPlan validated;
  private SavedPlan applied; // guarded by applying
  private ApplyOutcome outcome; // guarded by applying

  /**
   * A session planning in {@code mode} for the pass {@code context} describes.
   *
   * @param directory the application's working directory
   * @param context the pass: its inventory decides what the plan may destroy
   * @param mode what this pass plans
   */
  public TerraformSession(WorkingDirectory directory, PassContext context, PlanMode mode) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.context = Objects.requireNonNull(context, "context");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /**
   * Plans. A plan that changes nothing is read from the plan's UI stream alone (identities, no
   * attribute values) unless {@code desired} declares resources, whose live values are then read.
   */
  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    SavedPlan previous = plan;
    if (previous != null) {
      directory.discard(previous); // superseded: a second observation plans again
    }
    SavedPlan saved = directory.plan(desired.revision(), mode, !desired.isEmpty());
    plan = saved;
    List<LiveResource> live =
        PlanMapping.live(saved.view(), saved.mode()).stream()
            .filter(r -> desired.resources().containsKey(r.id()) || inventory.contains(r.id()))
            .toList();
    return LiveState.of(live);
  }

  @Override
  public DriftReport diff(DesiredState desired, LiveState live) {
    SavedPlan saved = plan;
    if (saved == null || !saved.revision().equals(desired.revision())) {
      throw new IllegalStateException(
          "revision " + desired.revision() + " was not observed in this session; observe first");
    }
    return PlanMapping.drifts(
        desired.revision(), saved.view(), saved.mode(), directory.origins(desired.revision()));
  }

  /**
   * Checks that the saved plan applies as a whole before anything is written.
   *
   * @throws InvalidDesiredStateException when the plan destroys resources this application does not
   *     own (not in the pass's inventory): each is named with where its block was declared
   * @throws TargetException when nothing was planned, or the plan is refresh-only (never applied)
   */
  @Override
  public void validate(Plan steps, ApplyOptions options)
      throws InvalidDesiredStateException, TargetException {
    SavedPlan saved = plan;
    if (saved == null) {
      throw new TargetException("nothing was planned in this pass; observe first", false);
    }
    if (saved.mode() == PlanMode.REFRESH_ONLY) {
      throw new TargetException(REFRESH_ONLY_REFUSED, false);
    }
    List<PlanView.ResourceChange> unowned =
        PlanMapping.unownedDestroys(saved.view(), context.inventory());
    if (!unowned.isEmpty()) {
      Origins origins = directory.origins(saved.revision());
      throw new InvalidDesiredStateException(
          unowned.stream()
              .map(
                  change ->
                      new Problem(
                          origins.apply(change.id()),
                          "the plan destroys "
                              + change.address()
                              + ", which application "
                              + context.application()
                              + " does not own (not in its inventory); a plan applies as a"
                              + " whole, so nothing of it is applied"))
              .toList());
    }
    validated = saved;
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    SavedPlan saved = plan;
    if (saved == null) {
      throw new TargetException("no plan to apply " + step + " from", true);
    }
    PlanView view = saved.view();
    String address = address(view, step.id());
    if (saved.mode() == PlanMode.REFRESH_ONLY) {
      throw new TargetException(REFRESH_ONLY_REFUSED, false);
    }
    if (options.dryRun()) {
      return "dry run: plan " + saved.shortDigest() + " not applied";
    }
    ApplyOutcome result;
    synchronized (applying) {
      if (applied != saved) {
        if (validated != saved) {
          refuseUnownedDestroys(view); // validate was skipped: check here, before the write
        }
        outcome = directory.apply(saved);
        applied = saved;
      }
      result = outcome;
    }
    String error = address == null ? null : result.errored().get(address);
    if (error != null) {
      throw new TargetException(error, result.retryable());
    }
    if (result.failed() && (address == null || !result.completed().contains(address))) {
      throw new TargetException("not applied: " + result.error(), result.retryable());
    }
    PlanView.ResourceChange change = view.change(step.id());
    String how = change != null && change.isReplace() ? "replaced; " : "";
    return how + "plan " + saved.shortDigest();
  }

  private void refuseUnownedDestroys(PlanView view) throws TargetException {
    List<String> unowned =
        PlanMapping.unownedDestroys(view, context.inventory()).stream()
            .map(PlanView.ResourceChange::address)
            .toList();
    if (!unowned.isEmpty()) {
      throw new TargetException(
          "the plan destroys "
              + unowned
              + ", which this application does not own (not in its inventory); a plan applies as"
              + " a whole, so nothing was applied",
          false);
    }
  }

  /** Deletes the plan file of this pass (applied or not); never waits for a command in flight. */
  @Override
  public void close() {
    SavedPlan saved = plan;
    if (saved == null) {
      return;
    }
    try {
      directory.discard(saved);
    } catch (RuntimeException e) {
      LOG.warn("cannot discard the plan of {}", context.application(), e);
    }
  }

  private static String address(PlanView view, ResourceId id) {
    PlanView.ResourceChange change = view.change(id);
    return change == null ? null : change.address();
  }
}
