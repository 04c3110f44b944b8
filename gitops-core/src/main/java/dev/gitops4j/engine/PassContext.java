package dev.gitops4j.engine;

import dev.gitops4j.model.Inventory;
import java.util.Objects;

/**
 * What the engine tells a target when it opens a {@link TargetSession} for one pass.
 *
 * @param application the application the pass belongs to
 * @param revision the revision being reconciled
 * @param inventory the application's inventory as loaded at the start of the pass
 */
public record PassContext(String application, String revision, Inventory inventory) {

  public PassContext {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(inventory, "inventory");
  }
}
