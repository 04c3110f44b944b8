package dev.gitops4j.engine;

/**
 * Whether this process may write for an application. The engine checks it when a pass starts (a
 * fenced pass neither reads nor writes and ends {@code SUSPENDED}), before the first write, before
 * each wave and before each history append, so that a replica that lost its lease mid-pass stops
 * writing instead of finishing the pass. Implementations must answer from memory (a lease's local
 * deadline, say), not with a round trip: the check runs often.
 *
 * <p>A check narrows the window in which a deposed writer can write; stores that compare a fencing
 * token inside their own transaction close it.
 */
@FunctionalInterface
public interface Fence {

  /** No fencing: a single process, or targets that fence themselves. */
  Fence NONE = application -> {};

  /**
   * Returns when this process may write for {@code application}.
   *
   * @throws FencedException when it may not (any more)
   */
  void check(String application);
}
