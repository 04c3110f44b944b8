package dev.gitops4j.render;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.source.Snapshot;

/** Turns the files of a snapshot into desired state. Supplied by target modules. */
public interface Renderer {

  /**
   * Renders all resources of {@code snapshot}, validating every one before returning.
   *
   * @throws InvalidDesiredStateException listing each problem with file and line; the revision
   *     stays invalid until it changes
   * @throws TargetException when rendering needs the target (e.g. API discovery) and it could not
   *     be reached; retried like any target failure when {@link TargetException#isRetryable()}
   */
  DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException, TargetException;
}
