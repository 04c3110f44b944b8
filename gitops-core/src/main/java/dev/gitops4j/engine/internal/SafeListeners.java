package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans callbacks out to user listeners; an exception from one is logged and goes no further. */
public final class SafeListeners implements ReconcileListener {

  private static final Logger LOG = LoggerFactory.getLogger(SafeListeners.class);

  private final List<ReconcileListener> listeners;

  public SafeListeners(List<ReconcileListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(String callback, Consumer<ReconcileListener> call) {
    for (ReconcileListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | Error e) {
        // A listener must never stop a pass, whatever it throws.
        LOG.warn("listener {} failed in {}", listener.getClass().getName(), callback, e);
      }
    }
  }

  @Override
  public void passStarted(String application, Trigger trigger) {
    each("passStarted", l -> l.passStarted(application, trigger));
  }

  @Override
  public void passFinished(PassResult result) {
    each("passFinished", l -> l.passFinished(result));
  }

  @Override
  public void driftFound(String application, DriftReport report) {
    each("driftFound", l -> l.driftFound(application, report));
  }

  @Override
  public void syncStarting(String application, String revision, Plan plan) {
    each("syncStarting", l -> l.syncStarting(application, revision, plan));
  }

  @Override
  public void changeApplied(String application, StepResult result) {
    each("changeApplied", l -> l.changeApplied(application, result));
  }

  @Override
  public void changeFailed(String application, StepResult result) {
    each("changeFailed", l -> l.changeFailed(application, result));
  }

  @Override
  public void healthChanged(String application, Health previous, Health current) {
    each("healthChanged", l -> l.healthChanged(application, previous, current));
  }

  @Override
  public void approvalNeeded(ApprovalRequest request) {
    each("approvalNeeded", l -> l.approvalNeeded(request));
  }
}
