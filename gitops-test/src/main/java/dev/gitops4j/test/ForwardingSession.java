package dev.gitops4j.test;

import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.sync.ApplyOptions;
import java.util.Objects;

/**
 * A session that hands every call to another one: extend it and override only the calls a test
 * wants to watch or change (count writes, reject a plan, record that the session was closed).
 */
public abstract class ForwardingSession implements TargetSession {

  /** The session every call goes to unless overridden. */
  protected final TargetSession delegate;

  protected ForwardingSession(TargetSession delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    return delegate.observe(desired, inventory);
  }

  @Override
  public DriftReport diff(DesiredState desired, LiveState live) {
    return delegate.diff(desired, live);
  }

  @Override
  public void validate(Plan plan, ApplyOptions options)
      throws InvalidDesiredStateException, TargetException {
    delegate.validate(plan, options);
  }

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    return delegate.apply(step, options);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
