package dev.gitops4j.terraform;

/** What a pass asks the CLI to plan. */
public enum PlanMode {
  /** {@code plan}: bring the infrastructure to the configuration; drift and new commits. */
  NORMAL,
  /**
   * {@code plan -refresh-only}: report only what changed outside of Terraform since the last apply.
   * For detect-only applications; such plans are never applied (applying one would accept the drift
   * into the state instead of healing it).
   */
  REFRESH_ONLY,
  /**
   * {@code plan -destroy}: remove everything the state holds. Opt-in for retiring an application;
   * the engine still needs {@code allowEmptyPrune} in the sync policy to prune everything.
   */
  DESTROY
}
