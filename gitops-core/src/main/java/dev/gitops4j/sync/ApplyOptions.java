package dev.gitops4j.sync;

/**
 * How an applier performs a step.
 *
 * @param dryRun validate the write with the target but persist nothing
 * @param force resolve conflicts in favour of Git (take over fields, recreate on immutable fields)
 *     where the target supports it
 */
public record ApplyOptions(boolean dryRun, boolean force) {

  public static ApplyOptions defaults() {
    return new ApplyOptions(false, false);
  }
}
