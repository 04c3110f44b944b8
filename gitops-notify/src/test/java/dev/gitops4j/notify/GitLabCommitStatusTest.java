package dev.gitops4j.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.model.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GitLab commit status request against a JDK HttpServer on 127.0.0.1 standing in for GitLab's
 * API: path and project encoding, headers, body and the state of each event. There is no GitLab
 * server on the test machines; this checks the request's shape, not GitLab's answer.
 */
class GitLabCommitStatusTest {

  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final String TOKEN = "glpat-s3cr3t-t0ken-value";

  record Received(String rawPath, Map<String, List<String>> headers, JsonNode body) {
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
  private final AtomicInteger answer = new AtomicInteger(201);

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    int status = answer.get();
    if (status == 201) {
      received.add(
          new Received(
              exchange.getRequestURI().getRawPath(),
              Map.copyOf(exchange.getRequestHeaders()),
              new ObjectMapper().readTree(body)));
    }
    byte[] reply =
        (status == 201 ? "{\"id\":1}" : "{\"message\":\"401 Unauthorized\"}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, reply.length);
    exchange.getResponseBody().write(reply);
    exchange.close();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/gitlab");
  }

  private CommitStatusNotifier gitlab(String project) {
    return CommitStatusNotifier.gitlab(base(), Secret.fromEnv("GL", Map.of("GL", TOKEN)::get))
        .repository(project)
        .targetUrl("https://ops.example/gitops/apps/{application}")
        .build();
  }

  private static Notification event(Event event, String revision, String error, boolean retry) {
    return new Notification(
        event,
        "shop eu",
        Trigger.MANUAL,
        revision,
        "",
        "",
        new Notification.Changes(0, 1, 0, "0 to create, 1 to update, 0 to delete"),
        null,
        error,
        retry,
        null,
        "",
        event == Event.APPROVAL_NEEDED ? "1a2b3c4d5e6f7a8b9c0d" : "",
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void aProjectPathIsOneEncodedSegmentAndTheTokenGoesInPrivateToken() throws Exception {
    gitlab("platform/team.eu/deploy").send(event(Event.SYNC_STARTED, SHA, "", false));

    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.rawPath())
        .isEqualTo("/gitlab/api/v4/projects/platform%2Fteam.eu%2Fdeploy/statuses/" + SHA);
    assertThat(r.header("PRIVATE-TOKEN")).isEqualTo(TOKEN);
    assertThat(r.header("Authorization")).isNull();
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = r.body();
    assertThat(body.get("state").asText()).isEqualTo("running");
    assertThat(body.get("name").asText()).isEqualTo("gitops4j/shop eu");
    assertThat(body.has("context")).as("GitLab's label is name").isFalse();
    assertThat(body.get("description").asText())
        .isEqualTo("syncing: 0 to create, 1 to update, 0 to delete");
    assertThat(body.get("target_url").asText())
        .isEqualTo("https://ops.example/gitops/apps/shop+eu");
  }

  @Test
  void aNumericProjectIdIsUsedAsItIs() throws Exception {
    gitlab("4711").send(event(Event.SYNC_SUCCEEDED, SHA, "", false));
    assertThat(received)
        .singleElement()
        .extracting(Received::rawPath)
        .isEqualTo("/gitlab/api/v4/projects/4711/statuses/" + SHA);
  }

  @Test
  void eachEventGetsAGitlabStateAndEveryFailureIsFailed() throws Exception {
    String other = "89abcdef0123456789abcdef0123456789abcdef";
    CommitStatusNotifier notifier = gitlab("platform/deploy");
    notifier.send(event(Event.APPROVAL_NEEDED, SHA, "", false));
    notifier.send(event(Event.SYNC_STARTED, SHA, "", false));
    notifier.send(event(Event.SYNC_FAILED, SHA, "cannot reach the target", true));
    notifier.send(event(Event.SYNC_FAILED, other, "revision is invalid: a.yaml line 3", false));
    notifier.send(event(Event.DRIFT_FOUND, SHA, "", false));
    notifier.send(event(Event.HEALTH_DEGRADED, SHA, "", false));
    notifier.send(event(Event.SYNC_SUCCEEDED, "not-a-commit-id", "", false));

    assertThat(received)
        .extracting(
            r -> r.body().get("state").asText() + " " + r.body().get("description").asText())
        .containsExactly(
            "pending awaits approval of plan 1a2b3c4d5e6f",
            "running syncing: 0 to create, 1 to update, 0 to delete",
            "failed sync failed, will be retried: cannot reach the target",
            "failed sync failed: revision is invalid: a.yaml line 3");
    assertThat(received.get(3).rawPath()).endsWith("/statuses/" + other);
  }

  @Test
  void aStateIsNotPostedTwiceInARowForOneStatusWhichGitlabWouldRefuse() throws Exception {
    CommitStatusNotifier notifier = gitlab("platform/deploy");
    notifier.send(event(Event.SYNC_STARTED, SHA, "", false));
    // A pass held back by wave health goes on: its sync starts again on the same commit.
    notifier.send(event(Event.SYNC_STARTED, SHA, "", false));
    notifier.send(event(Event.SYNC_SUCCEEDED, SHA, "", false));
    // A later sync of the same commit (a hand edit corrected) is a new status: running again.
    notifier.send(event(Event.SYNC_STARTED, SHA, "", false));

    assertThat(received)
        .extracting(r -> r.body().get("state").asText())
        .containsExactly("running", "success", "running");
  }

  @Test
  void aBadProjectIsRefusedWithoutARequest() {
    assertThatThrownBy(
            () -> gitlab("no-namespace").send(event(Event.SYNC_SUCCEEDED, SHA, "", false)))
        .isInstanceOfSatisfying(NotifierException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessage("no GitLab project id or path for application shop eu: no-namespace");
    assertThat(received).isEmpty();
  }

  @Test
  void aRefusedTokenIsNeitherInTheErrorNorInTheLog() throws Exception {
    answer.set(401);
    PrintStream original = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try (Notifications n =
        Notifications.builder()
            .notifier(gitlab("platform/deploy"))
            .retry(1, Duration.ofMillis(10), Duration.ofMillis(10))
            .build()) {
      n.dispatch(event(Event.SYNC_SUCCEEDED, SHA, "", false));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(n.stats().get(0).failed()).isEqualTo(1);
    } finally {
      System.setErr(original);
    }
    String logged = log.toString(StandardCharsets.UTF_8);
    assertThat(logged)
        .contains("could not deliver SYNC_SUCCEEDED of shop eu")
        .contains("answered 401")
        .doesNotContain(TOKEN)
        .doesNotContain("platform");

    assertThatThrownBy(
            () -> gitlab("platform/deploy").send(event(Event.SYNC_FAILED, SHA, "x", false)))
        .isInstanceOf(NotifierException.class)
        .hasMessageContaining("127.0.0.1")
        .hasMessageNotContaining(TOKEN)
        .hasMessageNotContaining("platform");
  }
}
