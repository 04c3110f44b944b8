package dev.gitops4j.notify;

import static dev.gitops4j.notify.Fixtures.notification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook and Slack notifiers against a JDK HttpServer receiver on 127.0.0.1. */
class WebhookNotifierTest {

  record Received(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();

  @BeforeEach
  void startReceiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws java.io.IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
    if (status == 200) {
      received.add(
          new Received(
              exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @AfterEach
  void stopReceiver() {
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static String hmac(String key, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void theBodyIsSignedWithTheSecretFromAFileAndRetriedAfterA503(@TempDir Path dir)
      throws Exception {
    Path secretFile = dir.resolve("webhook-secret");
    Files.writeString(secretFile, "s3cr3t-key\n");
    failuresLeft.set(2);
    try (Notifications n =
        Notifications.builder()
            .notifier(WebhookNotifier.signed(url("/hooks/gitops"), Secret.fromFile(secretFile)))
            .retry(3, Duration.ofMillis(10), Duration.ofMillis(50))
            .build()) {
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "abc123", "cannot open the target"));
      assertThat(n.awaitIdle(Duration.ofSeconds(20))).isTrue();
      assertThat(n.stats().get(0).delivered()).isEqualTo(1);
    }
    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.path()).isEqualTo("/hooks/gitops");
    String signature = r.header(WebhookNotifier.SIGNATURE_HEADER);
    assertThat(
            MessageDigest.isEqual(
                signature.getBytes(StandardCharsets.US_ASCII),
                hmac("s3cr3t-key", r.body()).getBytes(StandardCharsets.US_ASCII)))
        .isTrue();
    assertThat(signature).isNotEqualTo(hmac("another-key", r.body()));
    assertThat(r.header(WebhookNotifier.EVENT_HEADER)).isEqualTo("SYNC_FAILED");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode json = new ObjectMapper().readTree(r.body());
    assertThat(json.get("event").asText()).isEqualTo("SYNC_FAILED");
    assertThat(json.get("application").asText()).isEqualTo("shop");
    assertThat(json.get("revision").asText()).isEqualTo("abc123");
    assertThat(json.get("error").asText()).isEqualTo("cannot open the target");
    assertThat(json.get("trigger").asText()).isEqualTo("MANUAL");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("s3cr3t");
  }

  @Test
  void anUnsetSecretFailsTheDeliveryWithoutSendingAndNamesTheVariable() throws Exception {
    try (Notifications n =
        Notifications.builder()
            .notifier(
                WebhookNotifier.signed(
                    url("/x"), Secret.fromEnv("HOOK_SECRET", Map.<String, String>of()::get)))
            .retry(1, Duration.ofMillis(10), Duration.ofMillis(10))
            .build()) {
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "abc", "boom"));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(n.stats().get(0).failed()).isEqualTo(1);
    }
    assertThat(received).isEmpty();
    assertThat(Secret.fromEnv("HOOK_SECRET").toString())
        .isEqualTo("Secret(environment variable HOOK_SECRET)");
  }

  @Test
  void slackGetsTextAndBlocksFromTheWebhookUrlSecret() throws Exception {
    String hook = url("/services/T000/B000/XXXX").toString();
    try (Notifications n =
        Notifications.builder()
            .notifier(
                SlackNotifier.create(Secret.fromEnv("SLACK_URL", Map.of("SLACK_URL", hook)::get)))
            .build()) {
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "0123456789abcdef", "a <b> & c"));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(received).hasSize(1);
    assertThat(received.get(0).path()).isEqualTo("/services/T000/B000/XXXX");
    JsonNode json = new ObjectMapper().readTree(received.get(0).body());
    assertThat(json.get("text").asText())
        .isEqualTo("shop: sync failed at 0123456789ab (a <b> & c)");
    JsonNode first = json.get("blocks").get(0);
    assertThat(first.get("type").asText()).isEqualTo("section");
    assertThat(first.get("text").get("type").asText()).isEqualTo("mrkdwn");
    assertThat(first.get("text").get("text").asText()).contains("a &lt;b&gt; &amp; c");
    assertThat(json.get("blocks").get(1).get("text").get("text").asText())
        .contains("*Trigger:* manual");
  }

  @Test
  void commitStatusesUseTheGithubShapeWithABearerToken() throws Exception {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    try (Notifications n =
        Notifications.builder()
            .notifier(
                CommitStatusNotifier.github(
                        url("/api/v3"), Secret.fromEnv("T", Map.of("T", "tok-1")::get))
                    .repository("acme/deploy")
                    .targetUrl("https://ops.example/gitops/apps/{application}")
                    .build())
            .build()) {
      n.dispatch(notification(Event.SYNC_STARTED, "shop eu", sha, ""));
      n.dispatch(notification(Event.SYNC_FAILED, "shop eu", "not-a-sha", "x"));
      n.dispatch(notification(Event.DRIFT_FOUND, "shop eu", sha, ""));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.path()).isEqualTo("/api/v3/repos/acme/deploy/statuses/" + sha);
    assertThat(r.header("Authorization")).isEqualTo("Bearer tok-1");
    JsonNode json = new ObjectMapper().readTree(r.body());
    assertThat(json.get("state").asText()).isEqualTo("pending");
    assertThat(json.get("context").asText()).isEqualTo("gitops4j/shop eu");
    assertThat(json.get("target_url").asText())
        .isEqualTo("https://ops.example/gitops/apps/shop+eu");
  }

  @Test
  void aFailedDeliveryNamesTheHostButNeitherThePathNorTheToken() {
    failuresLeft.set(1);
    String sha = "0123456789abcdef0123456789abcdef01234567";
    Notifier notifier =
        CommitStatusNotifier.gitea(url("/"), Secret.fromEnv("T", Map.of("T", "tok-secret")::get))
            .repository("acme/deploy")
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> notifier.send(notification(Event.SYNC_SUCCEEDED, "shop", sha, "")))
        .isInstanceOfSatisfying(NotifierException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("503")
        .hasMessageNotContaining("tok-secret")
        .hasMessageNotContaining("acme");
  }
}
