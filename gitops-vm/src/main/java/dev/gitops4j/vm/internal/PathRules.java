package dev.gitops4j.vm.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Checks host paths: absolute, plain (no {@code .} or {@code ..} segments, no doubled or trailing
 * slash, no control characters or backslashes) and strictly inside an allowed root.
 */
public final class PathRules {

  private static final int MAX_LENGTH = 4096;

  private PathRules() {}

  /** The problem with {@code path}, or {@code null} when it is a plain absolute path. */
  public static String checkPlain(String path) {
    if (path.isEmpty()) {
      return "path is empty";
    }
    if (path.length() > MAX_LENGTH) {
      return "path is longer than " + MAX_LENGTH + " characters";
    }
    if (!path.startsWith("/")) {
      return "path '" + path + "' is not absolute";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        return "path contains a control character or backslash";
      }
    }
    if (path.length() > 1 && path.endsWith("/")) {
      return "path '" + path + "' ends with '/'";
    }
    if (path.contains("//")) {
      return "path '" + path + "' contains '//'";
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        return "path '" + path + "' contains a '" + segment + "' segment";
      }
    }
    return null;
  }

  /** True when {@code path} is {@code root} itself or below it. */
  public static boolean within(String path, String root) {
    if (root.equals("/")) {
      return path.startsWith("/");
    }
    return path.equals(root) || path.startsWith(root + "/");
  }

  /** True when {@code path} is strictly below one of {@code roots}. */
  public static boolean strictlyInside(String path, List<String> roots) {
    for (String root : roots) {
      if (!path.equals(root) && within(path, root)) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code path} is one of {@code roots} or below one. */
  public static boolean insideOrEqual(String path, List<String> roots) {
    return roots.stream().anyMatch(root -> within(path, root));
  }

  /**
   * Resolves a symlink target against the link's directory and removes {@code .} and {@code ..}
   * lexically; {@code ..} above {@code /} stays at {@code /}.
   */
  public static String resolveLinkTarget(String linkPath, String target) {
    String joined =
        target.startsWith("/")
            ? target
            : linkPath.substring(0, linkPath.lastIndexOf('/') + 1) + target;
    Deque<String> parts = new ArrayDeque<>();
    for (String segment : joined.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(segment);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The parent directory of an absolute path ({@code /} for top-level entries). */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** Quotes {@code text} for a POSIX shell. */
  public static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
