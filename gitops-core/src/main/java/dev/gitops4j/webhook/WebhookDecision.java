package dev.gitops4j.webhook;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link WebhookReceiver} made of a request, and what to answer the sender.
 *
 * <table>
 *   <caption>status codes</caption>
 *   <tr><th>status</th><th>meaning</th></tr>
 *   <tr><td>202</td><td>authentic push; {@link #event()} holds it</td></tr>
 *   <tr><td>200</td><td>authentic, but nothing to do (ping, or an event other than a push)</td></tr>
 *   <tr><td>400</td><td>authentic, but the payload is malformed</td></tr>
 *   <tr><td>401</td><td>signature or token missing or wrong</td></tr>
 *   <tr><td>409</td><td>this delivery was already accepted (a replay)</td></tr>
 *   <tr><td>413</td><td>body larger than the configured limit</td></tr>
 * </table>
 *
 * @param status HTTP status code to answer
 * @param message a short explanation, safe to send back and to log: never contains secrets
 * @param event the push, present exactly when {@code status} is 202
 */
public record WebhookDecision(int status, String message, Optional<PushEvent> event) {

  public static final int ACCEPTED = 202;
  public static final int IGNORED = 200;
  public static final int MALFORMED = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int REPLAYED = 409;
  public static final int TOO_LARGE = 413;

  public WebhookDecision {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(event, "event");
    if (event.isPresent() != (status == ACCEPTED)) {
      throw new IllegalArgumentException("an event goes with status 202 and only with it");
    }
  }

  /** True when the request carried a push to act on. */
  public boolean accepted() {
    return status == ACCEPTED;
  }
}
