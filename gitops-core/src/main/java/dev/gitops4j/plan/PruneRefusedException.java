package dev.gitops4j.plan;

/**
 * The revision declares nothing while the application still owns resources. Planning stops so an
 * emptied or broken source never deletes the target's content (invariant 1).
 */
public class PruneRefusedException extends Exception {

  private static final long serialVersionUID = 1L;

  public PruneRefusedException(String message) {
    super(message);
  }
}
