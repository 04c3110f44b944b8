package dev.gitops4j.diff.internal;

import java.util.ArrayList;
import java.util.List;

/** RFC 6901 JSON Pointer escaping and parsing. */
public final class Pointers {

  private Pointers() {}

  /** Escapes one reference token: {@code ~} becomes {@code ~0}, {@code /} becomes {@code ~1}. */
  public static String escape(String token) {
    if (token.indexOf('~') < 0 && token.indexOf('/') < 0) {
      return token;
    }
    StringBuilder out = new StringBuilder(token.length() + 4);
    appendEscaped(out, token);
    return out.toString();
  }

  static void appendEscaped(StringBuilder out, String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '~') {
        out.append("~0");
      } else if (c == '/') {
        out.append("~1");
      } else {
        out.append(c);
      }
    }
  }

  /** Joins unescaped tokens into a pointer; no tokens gives the root pointer {@code ""}. */
  public static String join(List<String> tokens) {
    StringBuilder out = new StringBuilder();
    for (String token : tokens) {
      out.append('/');
      appendEscaped(out, token);
    }
    return out.toString();
  }

  /**
   * Splits a pointer into unescaped tokens.
   *
   * @throws IllegalArgumentException when the pointer is not empty and does not start with {@code
   *     /}, or holds a {@code ~} not followed by {@code 0} or {@code 1}
   */
  public static List<String> parse(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (pointer.charAt(0) != '/') {
      throw new IllegalArgumentException(
          "JSON Pointer must be empty or start with '/': \"" + pointer + "\"");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 1; i <= pointer.length(); i++) {
      char c = i < pointer.length() ? pointer.charAt(i) : '/';
      if (c == '/') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '~') {
        char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : 0;
        if (next == '0') {
          token.append('~');
        } else if (next == '1') {
          token.append('/');
        } else {
          throw new IllegalArgumentException(
              "JSON Pointer \""
                  + pointer
                  + "\" has '~' at offset "
                  + i
                  + " not followed by 0 or 1 (write ~0 for '~' and ~1 for '/')");
        }
        i++;
      } else {
        token.append(c);
      }
    }
    return tokens;
  }

  /** The array index a token names, or -1 when it is not a canonical non-negative integer. */
  public static int index(String token) {
    int length = token.length();
    if (length == 0 || length > 9 || (length > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < length; i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
