package dev.gitops4j.webhook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as a webhook receiver needs it: headers and the raw, unparsed body. Build it from
 * whatever server you run ({@code com.sun.net.httpserver.Headers} and Spring's {@code HttpHeaders}
 * are already {@code Map<String, List<String>>}).
 *
 * <p>Header names are case-insensitive; values of names that differ only in case are merged. The
 * body is copied in and out, so the request is immutable. {@link #toString()} shows header names
 * and body size only, because header values carry tokens and signatures.
 *
 * @param headers header name to values
 * @param body the request body exactly as received; signatures are computed over these bytes
 */
public record WebhookRequest(Map<String, List<String>> headers, byte[] body) {

  public WebhookRequest {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    TreeMap<String, List<String>> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, values) -> {
          if (name != null && values != null) {
            List<String> list = merged.computeIfAbsent(name, n -> new ArrayList<>());
            values.stream().filter(Objects::nonNull).forEach(list::add);
          }
        });
    merged.replaceAll((name, values) -> List.copyOf(values));
    headers = Collections.unmodifiableMap(merged);
    body = body.clone();
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** All values of a header, in any letter case; empty when absent. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name, List.of());
  }

  /** The first value of a header, in any letter case. */
  public Optional<String> header(String name) {
    return headerValues(name).stream().findFirst();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookRequest other
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return 31 * headers.hashCode() + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "WebhookRequest[headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
  }
}
