package dev.gitops4j.terraform;

/**
 * Receives the progress of plans and applies as the CLI reports it. Called on the thread that reads
 * the CLI's output; keep it quick. Exceptions are logged and ignored.
 */
@FunctionalInterface
public interface TerraformListener {

  void onEvent(TerraformEvent event);

  /** A listener that ignores everything. */
  static TerraformListener none() {
    return event -> {};
  }
}
