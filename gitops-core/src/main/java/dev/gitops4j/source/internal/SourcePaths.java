package dev.gitops4j.source.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** Path arithmetic on {@code /}-separated repository paths. */
public final class SourcePaths {

  private SourcePaths() {}

  /**
   * Normalizes a configured sub-path: no leading or trailing slash, {@code ""} for the root.
   *
   * @throws IllegalArgumentException for {@code ..} segments or backslashes
   */
  public static String normalizeSubPath(String path) {
    if (path == null) {
      return "";
    }
    String p = path.strip();
    if (p.contains("\\")) {
      throw new IllegalArgumentException("path must use '/' separators: '" + path + "'");
    }
    StringBuilder out = new StringBuilder();
    for (String segment : p.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        throw new IllegalArgumentException("path must not contain '..': '" + path + "'");
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(segment);
    }
    return out.toString();
  }

  /**
   * Resolves a relative symlink target against the directory of the link, both repository paths.
   * Empty when the target climbs above the repository root.
   */
  public static Optional<String> resolveLink(String linkPath, String target) {
    Deque<String> parts = new ArrayDeque<>();
    int slash = linkPath.lastIndexOf('/');
    if (slash > 0) {
      for (String s : linkPath.substring(0, slash).split("/")) {
        parts.addLast(s);
      }
    }
    for (String segment : target.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (parts.isEmpty()) {
          return Optional.empty();
        }
        parts.removeLast();
      } else {
        parts.addLast(segment);
      }
    }
    return Optional.of(String.join("/", parts));
  }

  /** True when {@code path} equals {@code root} or lies below it; everything is below "". */
  public static boolean isWithin(String path, String root) {
    if (root.isEmpty()) {
      return !path.isEmpty();
    }
    return path.equals(root) || path.startsWith(root + "/");
  }

  /** {@code path} relative to {@code root}, which it must lie in. */
  public static String relativize(String path, String root) {
    return root.isEmpty() ? path : path.substring(root.length() + 1);
  }
}
