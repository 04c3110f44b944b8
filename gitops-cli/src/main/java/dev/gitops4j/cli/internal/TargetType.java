package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import dev.gitops4j.source.Snapshot;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A kind of target the command line can open from options. One instance serves one command run, so
 * it may share connections between applications (one Kubernetes client per cluster).
 */
interface TargetType extends AutoCloseable {

  /** Option keys this type accepts, e.g. {@code kubeconfig}. */
  Set<String> options();

  /** Whether {@code key} is accepted; types with open-ended keys ({@code var.NAME}) override. */
  default boolean accepts(String key) {
    return options().contains(key);
  }

  /**
   * Checks option values before anything is opened.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  default void check(Map<String, String> options) {}

  /**
   * The hosts of an application that spans several, one engine application per host named in the
   * desired state; empty when {@code options} describe a single target ({@link #open}).
   */
  default Optional<Fleet> fleet(String application, Map<String, String> options, Path stateDir)
      throws Exception {
    return Optional.empty();
  }

  /** Targets of one application spread over the hosts its desired state lists. */
  interface Fleet {

    /**
     * The hosts of {@code snapshot}'s inventory, by name, each with where it is reached, e.g.
     * {@code deploy@10.0.0.11:22}.
     *
     * @throws Exception when the snapshot cannot be rendered (the message names file and line)
     */
    Map<String, String> hosts(Snapshot snapshot) throws Exception;

    Target target(String host);

    /** What to add to the error of a failed pass of a host so the user can act, or empty. */
    default String explain(String error) {
      return "";
    }
  }

  /**
   * Opens the target of {@code application}.
   *
   * @param stateDir a directory of this application for local state the target keeps
   */
  Target open(String application, Map<String, String> options, Path stateDir) throws Exception;

  /** Releases what {@link #open} created (clients, connections). */
  @Override
  default void close() {}

  static boolean flag(Map<String, String> options, String key) {
    String value = options.getOrDefault(key, "false").strip();
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
  }
}
