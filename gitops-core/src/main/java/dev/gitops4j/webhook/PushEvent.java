package dev.gitops4j.webhook;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated push reported by a Git host.
 *
 * @param provider payload format the push came in
 * @param repositoryUrls every URL the payload names for the repository (web, HTTPS clone, SSH,
 *     git), as sent; compare with {@link #matches(String)}
 * @param ref full ref pushed, e.g. {@code refs/heads/main} or {@code refs/tags/v1.2.0}
 * @param after commit id the ref points at after the push (all zeros when the ref was deleted), or
 *     empty when the payload does not say
 * @param deliveryId the sender's delivery id, or empty when it sent none
 * @param receivedAt when the receiver accepted the push, by its clock
 */
public record PushEvent(
    Provider provider,
    Set<String> repositoryUrls,
    String ref,
    String after,
    String deliveryId,
    Instant receivedAt) {

  /** Webhook payload formats understood. */
  public enum Provider {
    /** GitHub, and hosts that send GitHub-style payloads (Gitea, Forgejo). */
    GITHUB,
    /** GitLab project or system hooks. */
    GITLAB,
    /** {@code {"repository": "<url>", "ref": "refs/...", "after": "<sha>"}}, from CI or scripts. */
    GENERIC
  }

  public PushEvent {
    Objects.requireNonNull(provider, "provider");
    repositoryUrls = Collections.unmodifiableSet(new LinkedHashSet<>(repositoryUrls));
    Objects.requireNonNull(ref, "ref");
    after = Objects.requireNonNullElse(after, "");
    deliveryId = Objects.requireNonNullElse(deliveryId, "");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /**
   * True when {@code repositoryUrl} names the same repository as one of {@link #repositoryUrls()},
   * comparing {@linkplain #normalizeUrl(String) normalized} forms: so {@code
   * git@github.com:Acme/Shop.git}, {@code ssh://git@github.com/acme/shop} and {@code
   * https://github.com/acme/shop/} all match each other.
   */
  public boolean matches(String repositoryUrl) {
    String wanted = normalizeUrl(repositoryUrl);
    return !wanted.isEmpty()
        && repositoryUrls.stream().anyMatch(url -> normalizeUrl(url).equals(wanted));
  }

  /** True when the ref is a tag ({@code refs/tags/...}). */
  public boolean isTag() {
    return ref.startsWith("refs/tags/");
  }

  /** True when the push deleted the ref. */
  public boolean isDeletion() {
    return !after.isEmpty() && after.chars().allMatch(c -> c == '0');
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
  public static String normalizeUrl(String url) {
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
