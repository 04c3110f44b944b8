package dev.gitops4j.notify.internal;

import dev.gitops4j.notify.NotifierException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * JSON POSTs through the JDK client with timeouts. Errors name the host only: webhook URLs often
 * carry their secret in the path.
 */
public final class Http {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private Http() {}

  /** POSTs {@code body}; a 2xx answer is success, 429 and 5xx are retryable failures. */
  public static void postJson(URI uri, byte[] body, Map<String, String> headers)
      throws NotifierException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "gitops4j")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new NotifierException("POST to " + host(uri) + " failed: " + e, true);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      String answer = response.body() == null ? "" : response.body().strip();
      if (answer.length() > 200) {
        answer = answer.substring(0, 200) + "...";
      }
      throw new NotifierException(
          "POST to " + host(uri) + " answered " + status + ": " + answer,
          status == 429 || status >= 500);
    }
  }

  static String host(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority();
  }
}
