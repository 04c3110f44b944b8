package dev.gitops4j.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.Testbed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service against a real Git server (the testbed's git daemon on 127.0.0.1) and a real
 * directory: pushes reported by signed webhooks are applied, forged and replayed ones are not.
 */
class EmbeddedServiceIT {

  private static final String SECRET = "shared-webhook-secret";
  private static final String DESIRED = "host/shop.yaml";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path served;
  private static Testbed.Server daemon;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One git daemon for the class, serving every repository under {@link #served}. */
  @BeforeAll
  static void startGitServer() {
    daemon = Testbed.get().gitDaemon(served);
  }

  @AfterAll
  static void stopGitServer() {
    daemon.close();
  }

  @Test
  void appliesSignedPushesAndRefusesForgedAndReplayedOnes(@TempDir Path work) throws Exception {
    Path host = work.resolve("host");
    Path appConf = host.resolve("etc/shop/app.conf");
    try (GitRepoFixture repo = GitRepoFixture.create(served.resolve("shop-config"))) {
      repo.commit("Initial shop configuration", Map.of(DESIRED, shop("EUR")));
      String url = "git://127.0.0.1:" + daemon.port() + "/shop-config";
      ServiceConfig config =
          new ServiceConfig(
              url,
              "main",
              "host",
              host,
              work.resolve("state"),
              "127.0.0.1",
              0,
              Duration.ofHours(1),
              SECRET);

      URI base;
      try (Service service = Service.start(config)) {
        base = service.uri();
        // The first pass runs at start.
        awaitContent(appConf, "currency = EUR");
        assertThat(get(base, "/healthz").statusCode()).isEqualTo(200);

        // A commit, then GitHub reports the push: applied without waiting for the interval.
        String second = repo.commit("Switch to USD", Map.of(DESIRED, shop("USD")));
        byte[] push = pushPayload(second);
        HttpResponse<String> accepted = postWebhook(base, push, sign(push, SECRET), "delivery-1");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).contains("triggered: host");
        awaitContent(appConf, "currency = USD");

        JsonNode status = awaitStatus(base, second);
        assertThat(status.path("status").asText()).isEqualTo("SYNCED");
        assertThat(status.path("trigger").asText()).isEqualTo("WEBHOOK");
        assertThat(status.path("plan").asText()).isEqualTo("0 to create, 1 to update, 0 to delete");

        // A forged signature: refused before the engine hears of it.
        String third = repo.commit("Switch to CHF", Map.of(DESIRED, shop("CHF")));
        byte[] thirdPush = pushPayload(third);
        HttpResponse<String> forged =
            postWebhook(base, thirdPush, sign(thirdPush, "guessed-secret"), "delivery-2");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).doesNotContain("triggered");

        // The genuine first delivery sent again: refused as a replay.
        HttpResponse<String> replayed = postWebhook(base, push, sign(push, SECRET), "delivery-1");
        assertThat(replayed.statusCode()).isEqualTo(409);
        assertThat(Files.readString(appConf)).contains("currency = USD");
        assertThat(service.engine().lastResult(ServiceConfig.APPLICATION).orElseThrow().revision())
            .isEqualTo(second);

        // The genuine delivery of the third commit brings CHF.
        HttpResponse<String> genuine =
            postWebhook(base, thirdPush, sign(thirdPush, SECRET), "delivery-3");
        assertThat(genuine.statusCode()).isEqualTo(202);
        awaitContent(appConf, "currency = CHF");
        awaitStatus(base, third);

        // Three passes, all of which changed something: the start, and the two genuine pushes.
        // Had the forged or replayed request triggered a pass, it would show here.
        String metrics = get(base, "/metrics").body();
        assertThat(metrics)
            .contains("gitops4j_passes_total{application=\"host\",status=\"synced\"} 3.0")
            .doesNotContain("status=\"in_sync\"")
            .contains("gitops4j_changes_applied_total{action=\"update\",application=\"host\"} 2.0")
            .contains("gitops4j_pass_duration_seconds_count{application=\"host\"} 3");
      }

      // After close the port is released and the audit trail is intact.
      assertThatThrownBy(() -> get(base, "/healthz")).isInstanceOf(IOException.class);
      HistoryStore.Verification audit =
          JsonLinesHistoryStore.verify(work.resolve("state/history.jsonl"));
      assertThat(audit.intact()).as(audit.reason()).isTrue();
      assertThat(audit.records()).isEqualTo(3);
    }
  }

  @Test
  void refusesOtherMethodsOnEveryEndpoint(@TempDir Path work) throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.create(served.resolve("other-config"))) {
      repo.commit("Initial shop configuration", Map.of(DESIRED, shop("EUR")));
      ServiceConfig config =
          ServiceConfig.parse(
              new String[] {
                "--repo",
                "git://127.0.0.1:" + daemon.port() + "/other-config",
                "--path",
                "host",
                "--host-dir",
                work.resolve("host").toString(),
                "--state-dir",
                work.resolve("state").toString(),
                "--port",
                "0"
              },
              Map.of("GITHUB_WEBHOOK_SECRET", SECRET));
      try (Service service = Service.start(config)) {
        URI base = service.uri();
        HttpResponse<String> getWebhook = get(base, "/webhook");
        assertThat(getWebhook.statusCode()).isEqualTo(405);
        assertThat(getWebhook.headers().firstValue("Allow")).hasValue("POST");
        byte[] empty = new byte[0];
        assertThat(send(HttpRequest.newBuilder(base.resolve("/status")).POST(body(empty))))
            .extracting(HttpResponse::statusCode)
            .isEqualTo(405);
        // Unsigned: refused.
        HttpResponse<String> unsigned =
            send(
                HttpRequest.newBuilder(base.resolve("/webhook"))
                    .header("X-GitHub-Event", "push")
                    .POST(body(pushPayload("0".repeat(40)))));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("missing signature");
      }
    }
  }

  /** The desired state: one configuration file on the host. */
  private static String shop(String currency) {
    return "resources:\n"
        + "  - directory: /etc/shop\n"
        + "    mode: \"0755\"\n"
        + "  - file: /etc/shop/app.conf\n"
        + "    content: |\n"
        + "      currency = "
        + currency
        + "\n"
        + "    mode: \"0644\"\n";
  }

  /**
   * A GitHub push event as GitHub sends it (the fields the receiver reads). GitHub names the
   * repository by its web and clone URLs; they match the service's git:// URL because host and path
   * are the same.
   */
  private static byte[] pushPayload(String after) {
    return ("{\"ref\":\"refs/heads/main\","
            + "\"before\":\"0000000000000000000000000000000000000000\","
            + "\"after\":\""
            + after
            + "\",\"repository\":{\"full_name\":\"shop-config\","
            + "\"html_url\":\"https://127.0.0.1/shop-config\","
            + "\"clone_url\":\"https://127.0.0.1/shop-config.git\","
            + "\"git_url\":\"git://127.0.0.1/shop-config.git\"},"
            + "\"pusher\":{\"name\":\"alice\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** {@code sha256=<hex HMAC-SHA256 of the body>}, as in GitHub's X-Hub-Signature-256. */
  private static String sign(byte[] body, String secret) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  private HttpResponse<String> postWebhook(
      URI base, byte[] payload, String signature, String delivery) throws Exception {
    return send(
        HttpRequest.newBuilder(base.resolve("/webhook"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "push")
            .header("X-GitHub-Delivery", delivery)
            .header("X-Hub-Signature-256", signature)
            .POST(body(payload)));
  }

  private HttpResponse<String> get(URI base, String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static HttpRequest.BodyPublisher body(byte[] bytes) {
    return HttpRequest.BodyPublishers.ofByteArray(bytes);
  }

  private static void awaitContent(Path file, String expected) throws Exception {
    await(
        "'" + expected + "' in " + file,
        () -> Files.exists(file) && Files.readString(file).contains(expected));
  }

  /** The application's entry in /status once it shows {@code revision}. */
  private JsonNode awaitStatus(URI base, String revision) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode[] app = new JsonNode[1];
    await(
        "/status at " + revision,
        () -> {
          app[0] = json.readTree(get(base, "/status").body()).path(ServiceConfig.APPLICATION);
          return app[0].path("revision").asText().equals(revision);
        });
    return app[0];
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + DEADLINE + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
