package dev.gitops4j.source.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes a source's credentials (and any user:password@ of a URL) from text bound for logs or
 * errors.
 */
public final class CredentialRedactor {

  // user:password@ in any URL.
  private static final Pattern URL_USERINFO =
      Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

  private final List<String> secrets;

  public CredentialRedactor(List<String> secrets) {
    this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
  }

  public String redact(String text) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "***");
    }
    return URL_USERINFO.matcher(out).replaceAll("$1");
  }
}
