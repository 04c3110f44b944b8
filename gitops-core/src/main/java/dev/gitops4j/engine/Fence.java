package dev.gitops4j.engine;

/**
 * The right of this process to write for an application, as granted by a lease with a fencing
 * token. Checked before each wave and each history append; throws {@link FencedException} when this
 * process lost the right to write for the application (its lease expired or another process holds a
 * newer token), so a deposed leader's late writes are refused instead of finished.
 *
 * <p>Implementations must be thread-safe and cheap enough to call once per wave. A check that
 * cannot reach the authority it asks (a database, an API server) must throw rather than allow.
 */
@FunctionalInterface
public interface Fence {

  /** Never refuses: for a single process, or when another mechanism serialises the writers. */
  Fence NONE = application -> {};

  /**
   * Confirms that this process may still write for {@code application}.
   *
   * @throws FencedException when it may not; nothing must be written after that
   */
  void check(String application);
}
