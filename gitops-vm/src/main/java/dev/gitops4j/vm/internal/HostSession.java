package dev.gitops4j.vm.internal;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One pass of one application on one host. Opening the session opens the host's connection, or
 * takes the one kept from the previous pass; every read and write of the pass goes over it
 * (observe, the checks before the first write, the writes, the handlers, the state file), and
 * closing the session releases it ({@link HostLink#release}). What the pass learns stays in the
 * session: why each handler owes a run (from observing), the allowed roots with symlinks resolved.
 */
public final class HostSession implements TargetSession {

  private final HostLayout layout;
  private final HostLink link;
  private final StructuralDiffer differ;
  private final LivePaths livePaths;
  private final StepChecks checks;
  private final PathWriter writer;
  private final HandlerRunner handlers;
  private volatile Map<String, List<String>> handlerReasons = Map.of();
  private volatile boolean transportFailed;

  private HostSession(
      HostLayout layout, HostLink link, HostStateFile stateFile, StructuralDiffer differ) {
    this.layout = layout;
    this.link = link;
    this.differ = differ;
    RealRoots realRoots = new RealRoots(layout);
    this.livePaths = new LivePaths(layout, stateFile, differ);
    this.checks = new StepChecks(layout, realRoots);
    this.writer = new PathWriter(layout, stateFile, realRoots);
    this.handlers = new HandlerRunner(layout, stateFile);
  }

  /** Sessions of one host's target. */
  public static TargetSession.Factory factory(
      HostLayout layout, HostLink link, HostStateFile stateFile, StructuralDiffer differ) {
    return context -> open(layout, link, stateFile, differ, context);
  }

  /**
   * Opens a session for the pass {@code context} describes, connecting to the host.
   *
   * @throws TargetException (retryable) naming the host when it cannot be reached
   */
  static HostSession open(
      HostLayout layout,
      HostLink link,
      HostStateFile stateFile,
      StructuralDiffer differ,
      PassContext context)
      throws TargetException {
    try {
      link.transport();
    } catch (IOException e) {
      throw new TargetException(
          "cannot reach host " + layout.host() + ": " + e.getMessage(), true, e);
    }
    return new HostSession(layout, link, stateFile, differ);
  }

  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    try {
      LivePaths.Observed observed = livePaths.observe(transport(), desired, inventory);
      handlerReasons = observed.handlerReasons();
      return observed.live();
    } catch (IOException e) {
      transportFailed = true;
      throw new TargetException(
          "cannot observe host " + layout.host() + ": " + e.getMessage(), true, e);
    }
  }

  @Override
  public DriftReport diff(DesiredState desired, LiveState live) {
    return differ.diff(desired, live);
  }

  @Override
  public void validate(Plan plan, ApplyOptions options)
      throws InvalidDesiredStateException, TargetException {
    try {
      checks.check(transport(), plan);
    } catch (IOException e) {
      transportFailed = true;
      throw new TargetException(
          "cannot check the plan on host " + layout.host() + ": " + e.getMessage(), true, e);
    }
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    ResourceId id = step.id();
    if (!layout.host().equals(id.scope())) {
      throw new TargetException(id + " does not belong to host " + layout.host(), false);
    }
    if (options.dryRun()) {
      return "dry run: would "
          + step.action().name().toLowerCase(Locale.ROOT)
          + " "
          + id.name()
          + " on "
          + layout.host();
    }
    try {
      Transport t = transport();
      if (step.action() == Step.Action.DELETE) {
        return writer.delete(t, step);
      }
      if (id.kind().equals(HostResourceFields.HANDLER)) {
        return handlers.run(
            t, id, step.desired().body(), handlerReasons.getOrDefault(id.name(), List.of()));
      }
      return writer.write(t, step);
    } catch (IOException e) {
      transportFailed = true;
      throw new TargetException(
          "host " + layout.host() + ": " + id.kind() + " " + id.name() + ": " + e.getMessage(),
          true,
          e);
    }
  }

  /** The pass's connection (reopened if an SSH connection dropped in the middle of the pass). */
  private Transport transport() throws IOException {
    return link.transport();
  }

  /**
   * Ends the pass's use of the connection: kept for the next pass, unless the link does not keep
   * connections or an operation of this pass failed on it.
   */
  @Override
  public void close() {
    link.release(transportFailed);
  }
}
