package dev.gitops4j.diff;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.LiveState;

/** Compares desired with live state. Pure: no I/O, same inputs give the same report. */
public interface Differ {

  /**
   * One drift entry per declared resource and per live resource that is not declared, in a stable
   * order: declared resources in declaration order, then extraneous ones sorted by identity.
   */
  DriftReport diff(DesiredState desired, LiveState live);
}
