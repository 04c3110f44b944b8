package dev.gitops4j.notify.internal;

import java.util.regex.Pattern;

/** Application name patterns: {@code *} any characters, {@code ?} one character. */
public final class Glob {

  private Glob() {}

  /** Fails on a blank pattern. */
  public static void check(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("an application pattern must not be blank");
    }
  }

  public static boolean matches(String glob, String name) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(regex.toString(), name);
  }
}
