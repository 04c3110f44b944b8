package dev.gitops4j.engine.internal;

import dev.gitops4j.state.StateStore;
import java.io.IOException;
import java.util.Map;

/** The engine's keys in the {@link StateStore}: what an application's passes must not forget. */
public final class DurableState {

  private static final String PIN = "pin";
  private static final String SUSPENDED = "suspended";
  private static final String APPROVAL = "approval";
  private static final String LAST_APPLIED = "last-applied";

  /**
   * One application's values, read once at the start of a pass.
   *
   * @param pinnedRevision revision pinned by a rollback, or null
   * @param suspended whether passes are suspended
   * @param approvedPlanId a plan approved but not yet consumed by a pass, or null
   * @param lastAppliedRevision the revision last brought in sync, or null
   */
  public record Facts(
      String pinnedRevision,
      boolean suspended,
      String approvedPlanId,
      String lastAppliedRevision) {}

  private final StateStore store;

  public DurableState(StateStore store) {
    this.store = store;
  }

  public Facts read(String application) throws IOException {
    Map<String, String> values = store.read(application);
    return new Facts(
        values.get(PIN),
        Boolean.parseBoolean(values.get(SUSPENDED)),
        values.get(APPROVAL),
        values.get(LAST_APPLIED));
  }

  /** Pins to {@code revision}; null unpins. */
  public void pin(String application, String revision) throws IOException {
    set(application, PIN, revision);
  }

  public void suspend(String application, boolean suspended) throws IOException {
    set(application, SUSPENDED, suspended ? "true" : null);
  }

  public void approve(String application, String planId) throws IOException {
    set(application, APPROVAL, planId);
  }

  /** Removes the approval a pass has taken, so that it applies to one pass at most. */
  void consumeApproval(String application) throws IOException {
    set(application, APPROVAL, null);
  }

  void applied(String application, String revision) throws IOException {
    set(application, LAST_APPLIED, revision);
  }

  private void set(String application, String key, String value) throws IOException {
    if (value == null) {
      store.remove(application, key);
    } else {
      store.put(application, key, value);
    }
  }
}
