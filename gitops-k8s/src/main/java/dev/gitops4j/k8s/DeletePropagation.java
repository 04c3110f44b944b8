package dev.gitops4j.k8s;

/** How the API server treats the dependents of an object gitops4j deletes. */
public enum DeletePropagation {
  /** The object goes at once; the garbage collector removes dependents afterwards (default). */
  BACKGROUND,
  /** The object stays until its dependents are gone. */
  FOREGROUND,
  /** Dependents are kept and lose their owner reference. */
  ORPHAN
}
