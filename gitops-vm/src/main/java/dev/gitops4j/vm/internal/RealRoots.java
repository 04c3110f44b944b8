package dev.gitops4j.vm.internal;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.List;

/**
 * The allowed roots of one host with every symlink resolved, resolved once per pass (on first use),
 * to tell whether a path's real directory is still inside them.
 */
public final class RealRoots {

  private final HostLayout layout;
  private List<String> resolved;

  public RealRoots(HostLayout layout) {
    this.layout = layout;
  }

  /** Whether the real (physical, resolved) path {@code real} is an allowed root or below one. */
  public boolean contain(Transport t, String real) throws IOException {
    return PathRules.insideOrEqual(real, roots(t));
  }

  /**
   * Why {@code action} ("write", "delete") of {@code path}, whose directory resolves to {@code
   * real}, is refused.
   */
  public String refusal(String action, String path, String real) {
    return "refusing to "
        + action
        + " "
        + path
        + " on host "
        + layout.host()
        + ": its directory resolves to "
        + real
        + ", outside the allowed roots (a symlink leads out)";
  }

  private synchronized List<String> roots(Transport t) throws IOException {
    if (resolved == null) {
      List<String> physical = layout.allowedRoots().stream().map(layout::physical).toList();
      resolved = List.copyOf(t.realPaths(physical));
    }
    return resolved;
  }
}
