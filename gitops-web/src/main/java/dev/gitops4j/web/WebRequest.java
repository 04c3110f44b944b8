package dev.gitops4j.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request as the dashboard sees it, independent of the server that received it.
 *
 * @param method the HTTP method, upper case
 * @param basePath where the dashboard is mounted, e.g. {@code /gitops} (empty for the root); links
 *     in pages start with it
 * @param path the path below {@code basePath}, starting with {@code /}, still percent-encoded
 * @param query the raw query string, or empty
 * @param headers header values by lower-case name (the first value of repeated headers)
 * @param body the request body; adapters read at most {@link #MAX_BODY} + 1 bytes
 * @param secure whether the request arrived over HTTPS (cookies then get {@code Secure})
 */
public record WebRequest(
    String method,
    String basePath,
    String path,
    String query,
    Map<String, String> headers,
    byte[] body,
    boolean secure) {

  /** Largest body the dashboard accepts, in bytes; larger ones get 413. */
  public static final int MAX_BODY = 64 * 1024;

  public WebRequest {
    method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
    basePath = Objects.requireNonNullElse(basePath, "");
    if (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    path = Objects.requireNonNullElse(path, "");
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    query = Objects.requireNonNullElse(query, "");
    Map<String, String> lower = new LinkedHashMap<>();
    Objects.requireNonNull(headers, "headers")
        .forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
    headers = Map.copyOf(lower);
    body = body == null ? new byte[0] : body;
  }

  /** The first value of a header, by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The value of a cookie sent with the request. */
  public Optional<String> cookie(String name) {
    String cookies = headers.get("cookie");
    if (cookies == null) {
      return Optional.empty();
    }
    for (String pair : cookies.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
        return Optional.of(pair.substring(eq + 1).trim());
      }
    }
    return Optional.empty();
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParameter(String name) {
    List<String> values = decodeForm(query).get(name);
    return values == null ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Decodes {@code application/x-www-form-urlencoded} text (a query string or a form body). */
  public static Map<String, List<String>> decodeForm(String text) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return values;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.computeIfAbsent(decode(name), key -> new ArrayList<>()).add(decode(value));
    }
    return values;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A stray '%': keep the text as sent; validation downstream names the bad value.
      return text;
    }
  }

  @Override
  public String toString() {
    // Never the headers or body: they carry tokens.
    return method + " " + basePath + path;
  }
}
