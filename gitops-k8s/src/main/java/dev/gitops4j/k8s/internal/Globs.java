package dev.gitops4j.k8s.internal;

import java.util.List;

/** {@code *} any run of characters, {@code ?} one character. */
public final class Globs {

  private Globs() {}

  public static boolean matches(String glob, String text) {
    return matches(glob, 0, text, 0);
  }

  /** An empty list allows everything. */
  public static boolean anyMatches(List<String> globs, String text) {
    return globs.isEmpty() || globs.stream().anyMatch(g -> matches(g, text));
  }

  private static boolean matches(String glob, int g, String text, int t) {
    while (g < glob.length()) {
      char c = glob.charAt(g);
      if (c == '*') {
        for (int i = t; i <= text.length(); i++) {
          if (matches(glob, g + 1, text, i)) {
            return true;
          }
        }
        return false;
      }
      if (t >= text.length() || (c != '?' && c != text.charAt(t))) {
        return false;
      }
      g++;
      t++;
    }
    return t == text.length();
  }
}
