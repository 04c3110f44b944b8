package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.SyncWindow;
import dev.gitops4j.model.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides whether a pass with a plan may write: detect-only never does, automatic sync does for a
 * new revision or with self-heal, manual approval only for the very plan that was approved.
 */
final class PolicyGate {

  private final ReconcileListener listener;
  private final Reconciler.DiffText diffText;

  PolicyGate(ReconcileListener listener, Reconciler.DiffText diffText) {
    this.listener = listener;
    this.diffText = diffText;
  }

  /** Explicit requests run even when the revision is known to fail permanently. */
  static boolean isExplicit(Trigger trigger) {
    return trigger == Trigger.MANUAL || trigger == Trigger.APPROVAL || trigger == Trigger.ROLLBACK;
  }

  /**
   * Why the application's sync windows keep this pass from writing now, or null when they do not:
   * an open deny window, or allow windows none of which is open. Deny wins; a window that allows
   * manual sync lets explicit requests through.
   */
  static String closedBy(Pass pass, Instant now) {
    List<SyncWindow> windows = pass.rt.app().syncWindows();
    boolean explicit = isExplicit(pass.trigger);
    for (SyncWindow window : windows) {
      if (window.kind() == SyncWindow.Kind.DENY && !(explicit && window.manualSync())) {
        Optional<Instant> until = window.openUntil(now);
        if (until.isPresent()) {
          return "no writes: " + window + " is open until " + until.get();
        }
      }
    }
    List<SyncWindow> allows =
        windows.stream().filter(w -> w.kind() == SyncWindow.Kind.ALLOW).toList();
    if (allows.isEmpty()
        || allows.stream().anyMatch(w -> w.isOpen(now) || (explicit && w.manualSync()))) {
      return null;
    }
    return "no writes: outside every allow window ("
        + allows.stream().map(SyncWindow::toString).collect(Collectors.joining(", "))
        + ")";
  }

  /**
   * Returns the status that stops the pass before any write, or null to apply.
   *
   * @param approvedPlanId the plan approved for this pass, or null
   */
  PassStatus gate(Pass pass, SyncPolicy policy, String approvedPlanId) {
    switch (policy.mode()) {
      case DETECT_ONLY:
        return PassStatus.OUT_OF_SYNC;
      case AUTOMATIC:
        boolean newRevision = !pass.revision.equals(pass.facts.lastAppliedRevision());
        if (!newRevision && !policy.selfHeal() && !isExplicit(pass.trigger)) {
          return PassStatus.OUT_OF_SYNC;
        }
        return null;
      case MANUAL_APPROVAL:
        if (approvedPlanId == null) {
          announce(pass);
          return PassStatus.AWAITING_APPROVAL;
        }
        if (!approvedPlanId.equals(pass.planId)) {
          pass.error =
              "approved plan "
                  + shortId(approvedPlanId)
                  + " is stale: the revision or live state moved; plan "
                  + shortId(pass.planId)
                  + " awaits approval";
          announce(pass);
          return PassStatus.AWAITING_APPROVAL;
        }
        return null;
      default:
        throw new IllegalStateException("unknown mode " + policy.mode());
    }
  }

  /** Asks for approval once per plan, not on every pass that finds it still pending. */
  private void announce(Pass pass) {
    if (pass.planId.equals(pass.rt.announcedPlanId)) {
      return;
    }
    pass.rt.announcedPlanId = pass.planId;
    listener.approvalNeeded(
        new ApprovalRequest(
            pass.application(),
            pass.planId,
            pass.revision,
            pass.plan,
            diffText.of(pass.rt.app(), pass.drift)));
  }

  private static String shortId(String planId) {
    return planId.length() > 12 ? planId.substring(0, 12) : planId;
  }
}
