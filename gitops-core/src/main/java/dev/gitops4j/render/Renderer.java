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

  /**
   * What rendering reads besides the snapshot, as resolved now: e.g. the chart a version constraint
   * selects in a Helm repository, {@code chart shop 1.4.2 sha256:...}. Empty (the default) when
   * only the snapshot counts.
   *
   * <p>The engine asks at the start of every pass: an unchanged revision is rendered again when the
   * answer changed, and the answer is recorded in the history with the revision. So it must be
   * cheap on most passes (look up a cache, refresh it on an interval).
   *
   * @throws InvalidDesiredStateException when the inputs cannot be resolved for a reason that holds
   *     until the configuration changes (no version matches, a digest mismatch)
   * @throws TargetException when they cannot be resolved now (repository unreachable); retried like
   *     any target failure when {@link TargetException#isRetryable()}
   */
  default String externalInputs() throws InvalidDesiredStateException, TargetException {
    return "";
  }
}
