package dev.gitops4j.engine;

import dev.gitops4j.model.ResourceId;
import java.util.function.Consumer;

/**
 * A target that can tell when something it manages changed or vanished, so self-heal does not wait
 * for the next interval. Kubernetes implements it with watches.
 */
public interface TargetEvents {

  /**
   * Starts delivering changes of resources owned by {@code application} to {@code listener}.
   *
   * @return a handle that stops delivery when closed
   */
  AutoCloseable subscribe(String application, Consumer<ResourceId> listener) throws Exception;
}
