package dev.gitops4j.sync;

import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;

/** Performs create, update and delete steps against a target. */
public interface Applier {

  /**
   * Performs one step. A create must mark the resource with the application's ownership marker.
   *
   * @return a short remark for reports, or an empty string
   * @throws TargetException when the write fails; nothing of the step may be half-applied that a
   *     repeated call cannot finish
   */
  String apply(Step step, ApplyOptions options) throws TargetException;
}
