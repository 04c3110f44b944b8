package dev.gitops4j.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.webhook.PushEvent.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {

  private static final String GITHUB_SECRET = "It's a Secret to Everybody";
  private static final String GITLAB_TOKEN = "glt-7f3c9a1e5b";
  private static final String CI_SECRET = "ci-signing-key-2b8d";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final WebhookReceiver receiver =
      WebhookReceiver.builder()
          .github(GITHUB_SECRET)
          .gitlab(GITLAB_TOKEN)
          .hmac("X-Signature", CI_SECRET)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .maxBodyBytes(64 * 1024)
          .build();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = WebhookReceiverTest.class.getResourceAsStream("/webhook/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static String hmacHex(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static WebhookRequest request(byte[] body, String... headerPairs) {
    Map<String, List<String>> headers = new HashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.put(headerPairs[i], List.of(headerPairs[i + 1]));
    }
    return new WebhookRequest(headers, body);
  }

  private static WebhookRequest github(String event, String delivery, byte[] body)
      throws Exception {
    return request(
        body,
        "X-GitHub-Event",
        event,
        "X-GitHub-Delivery",
        delivery,
        "Content-Type",
        "application/json",
        "X-Hub-Signature-256",
        "sha256=" + hmacHex(GITHUB_SECRET, body));
  }

  private static WebhookRequest gitlab(String event, String token, byte[] body) {
    return request(
        body,
        "X-Gitlab-Event",
        event,
        "X-Gitlab-Event-UUID",
        "9cbbd5a6-1f0e-4b8e-9d71-" + Arrays.hashCode(body),
        "X-Gitlab-Token",
        token);
  }

  private static void assertNoSecretIn(WebhookDecision decision) {
    assertThat(decision.message())
        .doesNotContain(GITHUB_SECRET)
        .doesNotContain(GITLAB_TOKEN)
        .doesNotContain(CI_SECRET);
  }

  @Test
  void acceptsSignedGitHubPush() throws Exception {
    WebhookDecision decision =
        receiver.receive(github("push", "d-1", resource("github-push.json")));

    assertThat(decision.status()).isEqualTo(202);
    assertThat(decision.accepted()).isTrue();
    PushEvent event = decision.event().orElseThrow();
    assertThat(event.provider()).isEqualTo(Provider.GITHUB);
    assertThat(event.ref()).isEqualTo("refs/heads/main");
    assertThat(event.after()).isEqualTo("59b20b8d5c6ff8d09518454d4dd8b7a30f095ab5");
    assertThat(event.deliveryId()).isEqualTo("d-1");
    assertThat(event.receivedAt()).isEqualTo(NOW);
    assertThat(event.repositoryUrls())
        .containsExactly(
            "https://github.com/Acme/Shop-Config",
            "https://github.com/Acme/Shop-Config.git",
            "git@github.com:Acme/Shop-Config.git",
            "git://github.com/Acme/Shop-Config.git");
    assertThat(event.matches("ssh://git@github.com/acme/shop-config")).isTrue();
    assertThat(event.matches("https://github.com/acme/other")).isFalse();
    assertThat(event.isTag()).isFalse();
    assertThat(event.isDeletion()).isFalse();
  }

  @Test
  void acceptsGitHubFormEncodedPayload() throws Exception {
    String json = new String(resource("github-push.json"), StandardCharsets.UTF_8);
    byte[] body =
        ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    WebhookRequest request =
        request(
            body,
            "X-GitHub-Event",
            "push",
            "Content-Type",
            "application/x-www-form-urlencoded",
            "X-Hub-Signature-256",
            "sha256=" + hmacHex(GITHUB_SECRET, body));

    WebhookDecision decision = receiver.receive(request);
    assertThat(decision.status()).isEqualTo(202);
    assertThat(decision.event().orElseThrow().ref()).isEqualTo("refs/heads/main");
  }

  @Test
  void rejectsWrongSignature() throws Exception {
    byte[] body = resource("github-push.json");
    WebhookRequest request =
        request(
            body,
            "X-GitHub-Event",
            "push",
            "X-Hub-Signature-256",
            "sha256=" + hmacHex("another secret", body));

    WebhookDecision decision = receiver.receive(request);
    assertThat(decision.status()).isEqualTo(401);
    assertThat(decision.event()).isEmpty();
    assertThat(decision.message()).contains("does not match");
    assertNoSecretIn(decision);
  }

  @Test
  void rejectsSignatureWithoutPrefixOrNotHex() throws Exception {
    byte[] body = resource("github-push.json");
    String hex = hmacHex(GITHUB_SECRET, body);
    assertThat(
            receiver
                .receive(request(body, "X-GitHub-Event", "push", "X-Hub-Signature-256", hex))
                .status())
        .isEqualTo(401);
    assertThat(
            receiver
                .receive(
                    request(body, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=zz"))
                .status())
        .isEqualTo(401);
  }

  @Test
  void rejectsMissingSignatureNamingTheExpectedHeaders() throws Exception {
    WebhookDecision decision =
        receiver.receive(request(resource("github-push.json"), "X-GitHub-Event", "push"));

    assertThat(decision.status()).isEqualTo(401);
    assertThat(decision.message())
        .contains("X-Hub-Signature-256")
        .contains("X-Gitlab-Token")
        .contains("X-Signature");
  }

  @Test
  void rejectsBodyModifiedAfterSigning() throws Exception {
    WebhookRequest signed = github("push", "d-2", resource("github-push.json"));
    byte[] tampered =
        new String(signed.body(), StandardCharsets.UTF_8)
            .replace("refs/heads/main", "refs/heads/evil")
            .getBytes(StandardCharsets.UTF_8);

    WebhookDecision decision = receiver.receive(new WebhookRequest(signed.headers(), tampered));
    assertThat(decision.status()).isEqualTo(401);
  }

  @Test
  void rejectsSecondDeliveryWithTheSameId() throws Exception {
    WebhookRequest request =
        github("push", "72d3162e-cc78-11e3-81ab-4c9367dc0958", resource("github-push.json"));

    assertThat(receiver.receive(request).status()).isEqualTo(202);
    WebhookDecision replay = receiver.receive(request);
    assertThat(replay.status()).isEqualTo(409);
    assertThat(replay.message()).contains("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(
            receiver.receive(github("push", "another-id", resource("github-push.json"))).status())
        .isEqualTo(202);
  }

  @Test
  void unauthenticatedRequestsDoNotConsumeDeliveryIds() throws Exception {
    byte[] body = resource("github-push.json");
    WebhookRequest forged =
        request(
            body,
            "X-GitHub-Event",
            "push",
            "X-GitHub-Delivery",
            "d-3",
            "X-Hub-Signature-256",
            "sha256=" + hmacHex("guess", body));
    assertThat(receiver.receive(forged).status()).isEqualTo(401);
    assertThat(receiver.receive(github("push", "d-3", body)).status()).isEqualTo(202);
  }

  @Test
  void replayWindowForgetsTheLeastRecentIdsAndCanBeTurnedOff() throws Exception {
    byte[] body = resource("github-push.json");
    WebhookReceiver small = WebhookReceiver.builder().github(GITHUB_SECRET).replayWindow(2).build();
    assertThat(small.receive(github("push", "a", body)).status()).isEqualTo(202);
    assertThat(small.receive(github("push", "b", body)).status()).isEqualTo(202);
    assertThat(small.receive(github("push", "c", body)).status()).isEqualTo(202);
    assertThat(small.receive(github("push", "c", body)).status()).isEqualTo(409);
    assertThat(small.receive(github("push", "a", body)).status()).isEqualTo(202); // forgotten

    WebhookReceiver off = WebhookReceiver.builder().github(GITHUB_SECRET).replayWindow(0).build();
    assertThat(off.receive(github("push", "a", body)).status()).isEqualTo(202);
    assertThat(off.receive(github("push", "a", body)).status()).isEqualTo(202);
  }

  @Test
  void ignoresPingAndOtherGitHubEvents() throws Exception {
    WebhookDecision ping = receiver.receive(github("ping", "p-1", resource("github-ping.json")));
    assertThat(ping.status()).isEqualTo(200);
    assertThat(ping.event()).isEmpty();
    assertThat(ping.message()).contains("ping");

    WebhookDecision issue = receiver.receive(github("issues", "i-1", "{}".getBytes()));
    assertThat(issue.status()).isEqualTo(200);
    assertThat(issue.message()).contains("issues");
  }

  @Test
  void parsesGitHubTagPush() throws Exception {
    PushEvent event =
        receiver
            .receive(github("push", "t-1", resource("github-tag-push.json")))
            .event()
            .orElseThrow();
    assertThat(event.ref()).isEqualTo("refs/tags/v1.2.0");
    assertThat(event.isTag()).isTrue();
    assertThat(event.after()).isEqualTo("a10867b14bb761a232cd80139fbd4c0d33264240");
  }

  @Test
  void acceptsGitLabPushWithTheRightToken() throws Exception {
    WebhookDecision decision =
        receiver.receive(gitlab("Push Hook", GITLAB_TOKEN, resource("gitlab-push.json")));

    assertThat(decision.status()).isEqualTo(202);
    PushEvent event = decision.event().orElseThrow();
    assertThat(event.provider()).isEqualTo(Provider.GITLAB);
    assertThat(event.ref()).isEqualTo("refs/heads/main");
    assertThat(event.after()).isEqualTo("da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
    assertThat(event.deliveryId()).startsWith("9cbbd5a6-");
    assertThat(event.repositoryUrls())
        .contains(
            "https://gitlab.example.com/platform/infra/config",
            "git@gitlab.example.com:platform/infra/config.git");
    assertThat(event.matches("https://GitLab.example.com/platform/infra/config.git/")).isTrue();
  }

  @Test
  void parsesGitLabTagPushAndSystemHookPush() throws Exception {
    PushEvent tag =
        receiver
            .receive(gitlab("Tag Push Hook", GITLAB_TOKEN, resource("gitlab-tag-push.json")))
            .event()
            .orElseThrow();
    assertThat(tag.ref()).isEqualTo("refs/tags/v1.0.0");
    assertThat(tag.isTag()).isTrue();
    assertThat(tag.matches("git@gitlab.example.com:platform/infra/config.git")).isTrue();

    WebhookDecision system =
        receiver.receive(gitlab("System Hook", GITLAB_TOKEN, resource("gitlab-push.json")));
    assertThat(system.status()).isEqualTo(202);

    WebhookDecision mergeRequest =
        receiver.receive(gitlab("Merge Request Hook", GITLAB_TOKEN, "{}".getBytes()));
    assertThat(mergeRequest.status()).isEqualTo(200);
  }

  @Test
  void rejectsGitLabWithWrongOrPartialToken() throws Exception {
    byte[] body = resource("gitlab-push.json");
    for (String token : List.of("glt-7f3c9a1e5c", "glt-7f3c9a1e5", GITLAB_TOKEN + "x", "")) {
      WebhookDecision decision = receiver.receive(gitlab("Push Hook", token, body));
      assertThat(decision.status()).as(token).isEqualTo(401);
      assertNoSecretIn(decision);
    }
  }

  @Test
  void acceptsGenericHmacWithOrWithoutPrefix() throws Exception {
    byte[] body =
        "{\"repository\":\"https://git.example.com/team/config.git\",\"ref\":\"refs/heads/prod\",\"after\":\"abc123\"}"
            .getBytes(StandardCharsets.UTF_8);
    String hex = hmacHex(CI_SECRET, body);

    for (String signature : List.of(hex, "sha256=" + hex, hex.toUpperCase())) {
      WebhookDecision decision = receiver.receive(request(body, "x-signature", signature));
      assertThat(decision.status()).as(signature).isEqualTo(202);
      PushEvent event = decision.event().orElseThrow();
      assertThat(event.provider()).isEqualTo(Provider.GENERIC);
      assertThat(event.ref()).isEqualTo("refs/heads/prod");
      assertThat(event.after()).isEqualTo("abc123");
      assertThat(event.deliveryId()).isEmpty();
      assertThat(event.matches("git@git.example.com:team/config")).isTrue();
    }
    assertThat(
            receiver.receive(request(body, "X-Signature", hmacHex(GITHUB_SECRET, body))).status())
        .isEqualTo(401);
  }

  @Test
  void genericDeliveryIdIsUsedForReplay() throws Exception {
    byte[] body = "{\"repository\":\"https://h/r\",\"ref\":\"refs/heads/main\"}".getBytes();
    WebhookRequest request =
        request(body, "X-Signature", hmacHex(CI_SECRET, body), "X-Delivery-Id", "ci-run-7");
    assertThat(receiver.receive(request).status()).isEqualTo(202);
    assertThat(receiver.receive(request).status()).isEqualTo(409);
  }

  @Test
  void rejectsMalformedJsonAfterAuthentication() throws Exception {
    byte[] body = "{\"ref\": \"refs/heads/main\", ".getBytes();
    WebhookDecision decision = receiver.receive(github("push", "m-1", body));
    assertThat(decision.status()).isEqualTo(400);
    assertThat(decision.message()).contains("not valid JSON");

    assertThat(receiver.receive(github("push", "m-2", "[1,2]".getBytes())).status()).isEqualTo(400);
    assertThat(receiver.receive(github("push", "m-3", "{} {}".getBytes())).status()).isEqualTo(400);
  }

  @Test
  void rejectsPushPayloadsMissingFields() throws Exception {
    WebhookDecision noRepo =
        receiver.receive(github("push", "f-1", "{\"ref\":\"refs/heads/main\"}".getBytes()));
    assertThat(noRepo.status()).isEqualTo(400);
    assertThat(noRepo.message()).contains("repository");

    byte[] shortRef = "{\"repository\":\"https://h/r\",\"ref\":\"main\"}".getBytes();
    WebhookDecision generic =
        receiver.receive(request(shortRef, "X-Signature", hmacHex(CI_SECRET, shortRef)));
    assertThat(generic.status()).isEqualTo(400);
    assertThat(generic.message()).contains("refs/heads/main").contains("'main'");
  }

  @Test
  void malformedUnsignedBodyIsUnauthorizedNotMalformed() {
    WebhookDecision decision =
        receiver.receive(request("not json".getBytes(), "X-GitHub-Event", "push"));
    assertThat(decision.status()).isEqualTo(401);
  }

  @Test
  void rejectsOversizedBodyBeforeAnythingElse() throws Exception {
    byte[] body = new byte[64 * 1024 + 1];
    Arrays.fill(body, (byte) ' ');
    WebhookDecision decision = receiver.receive(github("push", "big", body));
    assertThat(decision.status()).isEqualTo(413);
    assertThat(decision.message()).contains("65537").contains("65536");

    byte[] limit = new byte[64 * 1024];
    Arrays.fill(limit, (byte) ' ');
    assertThat(receiver.receive(github("push", "at-limit", limit)).status()).isEqualTo(400);
  }

  @Test
  void duplicateSignatureHeadersAreRejected() throws Exception {
    byte[] body = resource("github-push.json");
    String good = "sha256=" + hmacHex(GITHUB_SECRET, body);
    WebhookRequest request =
        new WebhookRequest(
            Map.of(
                "X-GitHub-Event",
                List.of("push"),
                "X-Hub-Signature-256",
                List.of("sha256=00", good)),
            body);
    assertThat(receiver.receive(request).status()).isEqualTo(401);
  }

  @Test
  void acceptsAnyOfSeveralSecretsWhileRotating() throws Exception {
    byte[] body = resource("github-push.json");
    WebhookReceiver rotating =
        WebhookReceiver.builder().github("old secret").github(GITHUB_SECRET).build();
    assertThat(rotating.receive(github("push", "r-1", body)).status()).isEqualTo(202);
    assertThat(rotating.toString()).doesNotContain("old secret").doesNotContain(GITHUB_SECRET);
  }

  @Test
  void builderFailsFast() {
    assertThatThrownBy(() -> WebhookReceiver.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unsigned");
    assertThatThrownBy(() -> WebhookReceiver.builder().github(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookReceiver.builder().gitlab(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> WebhookReceiver.builder().hmac("", "s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookReceiver.builder().replayWindow(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookReceiver.builder().maxBodyBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
