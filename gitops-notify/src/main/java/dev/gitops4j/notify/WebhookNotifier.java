package dev.gitops4j.notify;

import dev.gitops4j.notify.internal.Http;
import dev.gitops4j.notify.internal.Payloads;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs every notification as JSON (see docs/notifications.md for the fields). With a secret, the
 * body is signed: header {@value #SIGNATURE_HEADER} is {@code sha256=} and the hex HMAC-SHA256 of
 * the exact body bytes under the secret.
 */
public final class WebhookNotifier implements Notifier {

  /** Header holding {@code sha256=<hex HMAC-SHA256 of the body>}. */
  public static final String SIGNATURE_HEADER = "X-Gitops4j-Signature-256";

  /** Header holding the event name. */
  public static final String EVENT_HEADER = "X-Gitops4j-Event";

  /** Header holding a unique id per notification (the same on every retry of it). */
  public static final String DELIVERY_HEADER = "X-Gitops4j-Delivery";

  private final URI url;
  private final Secret secret;

  private WebhookNotifier(URI url, Secret secret) {
    this.url = Objects.requireNonNull(url, "url");
    this.secret = secret;
    String scheme = url.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IllegalArgumentException("webhook URL must be http or https, was " + scheme);
    }
  }

  /** An unsigned webhook (use only on trusted networks). */
  public static WebhookNotifier unsigned(URI url) {
    return new WebhookNotifier(url, null);
  }

  /** A webhook signed with {@code secret}. */
  public static WebhookNotifier signed(URI url, Secret secret) {
    return new WebhookNotifier(url, Objects.requireNonNull(secret, "secret"));
  }

  @Override
  public void send(Notification notification) throws Exception {
    byte[] body = Payloads.JSON.writeValueAsBytes(Payloads.webhook(notification));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(EVENT_HEADER, notification.event().name());
    headers.put(DELIVERY_HEADER, deliveryId(notification));
    if (secret != null) {
      headers.put(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(secret.reveal(), body));
    }
    Http.postJson(url, body, headers);
  }

  /** The hex HMAC-SHA256 of {@code body} under {@code key}, as receivers should compute it. */
  public static String hmacSha256Hex(String key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String deliveryId(Notification n) {
    String key = n.event() + "|" + n.application() + "|" + n.revision() + "|" + n.time();
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public String name() {
    return "webhook " + url.getHost();
  }
}
