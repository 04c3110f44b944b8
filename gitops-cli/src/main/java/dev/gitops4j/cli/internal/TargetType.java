package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import java.nio.file.Path;
import java.util.Map;
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
