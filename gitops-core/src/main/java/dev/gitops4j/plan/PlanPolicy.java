package dev.gitops4j.plan;

import java.util.Objects;

/**
 * What the planner may do. Immutable; start from {@link #ofDefaults()} or {@link #custom()}.
 *
 * @param prune delete owned resources that Git no longer declares
 * @param allowEmptyPrune allow pruning everything when a revision declares nothing; off by default
 *     so a broken or emptied source never wipes the target
 * @param waveField JSON Pointer of an optional integer field that assigns an explicit wave, or
 *     empty to ignore explicit waves
 */
public record PlanPolicy(boolean prune, boolean allowEmptyPrune, String waveField) {

  public PlanPolicy {
    Objects.requireNonNull(waveField, "waveField");
    if (!waveField.isEmpty() && !waveField.startsWith("/")) {
      throw new IllegalArgumentException("waveField must be a JSON Pointer: " + waveField);
    }
  }

  /** Prune on, empty prune refused, no wave field. */
  public static PlanPolicy ofDefaults() {
    return new PlanPolicy(true, false, "");
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Builder for {@link PlanPolicy}. */
  public static final class Builder {
    private boolean prune = true;
    private boolean allowEmptyPrune;
    private String waveField = "";

    private Builder() {}

    public Builder prune(boolean prune) {
      this.prune = prune;
      return this;
    }

    public Builder allowEmptyPrune(boolean allowEmptyPrune) {
      this.allowEmptyPrune = allowEmptyPrune;
      return this;
    }

    public Builder waveField(String jsonPointer) {
      this.waveField = jsonPointer;
      return this;
    }

    public PlanPolicy build() {
      return new PlanPolicy(prune, allowEmptyPrune, waveField);
    }
  }
}
