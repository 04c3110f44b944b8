package dev.gitops4j.source;

import java.util.Locale;

/** Repository URLs compared the way Git hosts mean them, across HTTPS, SSH and scp forms. */
public final class RepositoryUrl {

  private RepositoryUrl() {}

  /** True when both URLs name the same repository after {@link #normalize(String)}. */
  public static boolean same(String a, String b) {
    String left = normalize(a);
    return !left.isEmpty() && left.equals(normalize(b));
  }

  /**
   * A repository URL reduced to {@code host/path} for comparison: scheme, user, password, port,
   * query and fragment dropped; {@code [user@]host:path} (SSH scp form) read as {@code host/path};
   * lower-cased; repeated, leading and trailing slashes and a trailing {@code .git} removed. Blank
   * or null gives the empty string.
   *
   * <p>Ports are dropped because hosts serve SSH and HTTPS on different ports for the same
   * repository. Matching is a hint for which application to reconcile, not an authorization.
   */
  public static String normalize(String url) {
    if (url == null) {
      return "";
    }
    String s = url.strip();
    int cut = indexOfAny(s, '?', '#');
    if (cut >= 0) {
      s = s.substring(0, cut);
    }
    String authority;
    String path;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      String rest = s.substring(scheme + 3);
      int slash = rest.indexOf('/');
      authority = slash < 0 ? rest : rest.substring(0, slash);
      path = slash < 0 ? "" : rest.substring(slash);
      authority = stripPort(stripUser(authority));
    } else {
      int colon = s.indexOf(':');
      int slash = s.indexOf('/');
      if (colon > 0 && (slash < 0 || colon < slash)) { // git@host:owner/repo
        authority = stripUser(s.substring(0, colon));
        path = s.substring(colon + 1);
      } else {
        authority = "";
        path = s;
      }
    }
    String joined = (authority + "/" + path).toLowerCase(Locale.ROOT).replaceAll("/{2,}", "/");
    joined = trimSlashes(joined);
    if (joined.endsWith(".git")) {
      joined = trimSlashes(joined.substring(0, joined.length() - 4));
    }
    return joined;
  }

  private static String stripUser(String authority) {
    int at = authority.lastIndexOf('@');
    return at < 0 ? authority : authority.substring(at + 1);
  }

  private static String stripPort(String authority) {
    if (authority.startsWith("[")) { // IPv6 literal
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  private static String trimSlashes(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '/') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(start, end);
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return -1;
  }
}
