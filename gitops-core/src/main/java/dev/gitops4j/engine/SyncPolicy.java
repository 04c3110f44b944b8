package dev.gitops4j.engine;

import java.util.Objects;

/**
 * What an application's passes may change. Immutable; start from {@link #detectOnly()}, {@link
 * #automatic()}, {@link #manualApproval()} or {@link #custom()}.
 *
 * @param mode detect only, apply automatically, or apply approved plans
 * @param prune delete owned resources that Git no longer declares
 * @param selfHeal correct drift that appears without a new commit
 * @param dryRun send every write as a dry run; nothing is persisted
 * @param allowEmptyPrune allow pruning everything when a revision declares nothing
 * @param force resolve conflicts in favour of Git where the target supports it
 */
public record SyncPolicy(
    Mode mode,
    boolean prune,
    boolean selfHeal,
    boolean dryRun,
    boolean allowEmptyPrune,
    boolean force) {

  /** How changes are applied. */
  public enum Mode {
    /** Report drift; change nothing. */
    DETECT_ONLY,
    /** Apply every plan. */
    AUTOMATIC,
    /** Apply a plan only after {@code Engine.approve} with its id. */
    MANUAL_APPROVAL
  }

  public SyncPolicy {
    Objects.requireNonNull(mode, "mode");
  }

  /** Report drift, never write. */
  public static SyncPolicy detectOnly() {
    return new SyncPolicy(Mode.DETECT_ONLY, false, false, false, false, false);
  }

  /** Apply new revisions and heal drift automatically, with prune. */
  public static SyncPolicy automatic() {
    return new SyncPolicy(Mode.AUTOMATIC, true, true, false, false, false);
  }

  /** Plan automatically, apply only approved plans, with prune. */
  public static SyncPolicy manualApproval() {
    return new SyncPolicy(Mode.MANUAL_APPROVAL, true, false, false, false, false);
  }

  /** A builder starting from {@link #automatic()}. */
  public static Builder custom() {
    return new Builder(automatic());
  }

  /** A builder starting from this policy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder for {@link SyncPolicy}. */
  public static final class Builder {
    private Mode mode;
    private boolean prune;
    private boolean selfHeal;
    private boolean dryRun;
    private boolean allowEmptyPrune;
    private boolean force;

    private Builder(SyncPolicy from) {
      mode = from.mode;
      prune = from.prune;
      selfHeal = from.selfHeal;
      dryRun = from.dryRun;
      allowEmptyPrune = from.allowEmptyPrune;
      force = from.force;
    }

    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    public Builder prune(boolean prune) {
      this.prune = prune;
      return this;
    }

    public Builder selfHeal(boolean selfHeal) {
      this.selfHeal = selfHeal;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder allowEmptyPrune(boolean allowEmptyPrune) {
      this.allowEmptyPrune = allowEmptyPrune;
      return this;
    }

    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    public SyncPolicy build() {
      if (allowEmptyPrune && !prune) {
        throw new IllegalStateException("allowEmptyPrune needs prune");
      }
      return new SyncPolicy(mode, prune, selfHeal, dryRun, allowEmptyPrune, force);
    }
  }
}
