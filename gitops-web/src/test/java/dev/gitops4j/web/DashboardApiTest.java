package dev.gitops4j.web;

import static dev.gitops4j.web.Fixture.ALICE;
import static dev.gitops4j.web.Fixture.BOB;
import static dev.gitops4j.web.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON API over a real engine: views, redacted diff, history, actions and their errors. */
class DashboardApiTest {

  private Fixture fx;

  @AfterEach
  void tearDown() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void listsApplicationsWithStatusHealthRevisionLastPassAndDrift() throws Exception {
    fx = Fixture.withActions();
    fx.pass("web");
    fx.pass("shop");

    JsonNode apps = json(fx.get("/api/applications")).get("applications");

    assertThat(apps).hasSize(2);
    JsonNode shop = apps.get(0);
    assertThat(shop.get("name").asText()).isEqualTo("shop");
    assertThat(shop.get("status").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(shop.get("revision").asText()).isEqualTo(fx.revision);
    assertThat(shop.get("drift").get("missing").asInt()).isEqualTo(2);
    assertThat(shop.get("pendingPlan").get("summary").asText())
        .isEqualTo("2 to create, 0 to update, 0 to delete");
    assertThat(shop.get("lastPass").get("trigger").asText()).isEqualTo("MANUAL");
    JsonNode web = apps.get(1);
    assertThat(web.get("status").asText()).isEqualTo("SYNCED");
    assertThat(web.get("health").get("status").asText()).isEqualTo("HEALTHY");
    assertThat(web.get("pendingPlan").isNull()).isTrue();

    JsonNode detail = json(fx.get("/api/applications/shop"));
    assertThat(detail.get("resources"))
        .extracting(r -> r.get("resource").asText() + " " + r.get("status").asText())
        .containsExactlyInAnyOrder("ConfigMap shop/settings MISSING", "Secret shop/creds MISSING");
  }

  @Test
  void diffIsTheTargetsRedactedUnifiedDiffAndNeverShowsTheSecret() throws Exception {
    fx = Fixture.withActions();
    PassResult create = fx.pass("shop");
    fx.engine.approve("shop", create.planId()).get(30, TimeUnit.SECONDS);
    assertThat(json(fx.get("/api/applications/shop/diff")).get("text").asText())
        .as("nothing outstanding once applied")
        .isEmpty();
    fx.shopTarget.edit(
        Fixture.SETTINGS, body -> body.withObjectProperty("data").put("color", "red"));
    fx.shopTarget.edit(
        Fixture.CREDS,
        body ->
            body.withObjectProperty("stringData").set("password", new TextNode("changed-by-hand")));
    assertThat(fx.pass("shop").status()).isEqualTo(PassStatus.AWAITING_APPROVAL);

    JsonNode diff = json(fx.get("/api/applications/shop/diff"));

    String text = diff.get("text").asText();
    assertThat(text)
        .contains("--- live/ConfigMap shop/settings", "-  color: red", "+  color: blue")
        .contains("Secret shop/creds", "<redacted:")
        .doesNotContain(Fixture.SECRET_VALUE, "changed-by-hand");
    assertThat(diff.get("resources")).hasSize(2);
    JsonNode detail = json(fx.get("/api/applications/shop"));
    assertThat(detail.get("drift").get("modified").asInt()).isEqualTo(2);
    assertThat(fx.get("/api/applications/shop").bodyText())
        .doesNotContain(Fixture.SECRET_VALUE, "changed-by-hand");
    assertThat(fx.get("/apps/shop").bodyText())
        .contains("color: red")
        .doesNotContain(Fixture.SECRET_VALUE, "changed-by-hand");
  }

  @Test
  void approveByAnAuthorisedPrincipalAppliesThePlanAndRecordsWhoApproved() throws Exception {
    fx = Fixture.withActions();
    PassResult awaiting = fx.pass("shop");
    assertThat(awaiting.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);

    WebResponse response =
        fx.postJson(
            "/api/applications/shop/approve", "{\"planId\":\"" + awaiting.planId() + "\"}", ALICE);

    assertThat(response.status()).isEqualTo(202);
    assertThat(json(response).get("principal").asText()).isEqualTo("alice");
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isTrue();
    assertThat(fx.engine.lastResult("shop").orElseThrow().status()).isEqualTo(PassStatus.SYNCED);
    assertThat(fx.actionRecords("shop"))
        .containsExactly("alice: approve plan " + awaiting.planId());
    JsonNode history = json(fx.get("/api/applications/shop/history"));
    assertThat(history.get("verification").get("intact").asBoolean()).isTrue();
    assertThat(history.get("records"))
        .extracting(r -> r.get("status").asText())
        .startsWith("SYNCED", "ACTION", "AWAITING_APPROVAL");
    assertThat(history.get("records").get(1).get("principal").asText()).isEqualTo("alice");
  }

  @Test
  void approveIsRefusedToAPrincipalWithoutTheGrantAndNothingChanges() throws Exception {
    fx = Fixture.withActions();
    PassResult awaiting = fx.pass("shop");

    WebResponse response =
        fx.postJson(
            "/api/applications/shop/approve", "{\"planId\":\"" + awaiting.planId() + "\"}", BOB);

    assertThat(response.status()).isEqualTo(403);
    assertThat(json(response).get("error").asText()).isEqualTo("forbidden");
    assertThat(json(response).get("message").asText())
        .isEqualTo("bob is not allowed to approve shop");
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isFalse();
    assertThat(fx.actionRecords("shop")).isEmpty();
    // Bob's own grant works.
    assertThat(fx.postJson("/api/applications/shop/sync", "", BOB).status()).isEqualTo(202);
    assertThat(fx.actionRecords("shop")).containsExactly("bob: sync");
  }

  @Test
  void readOnlyByDefault() throws Exception {
    fx = new Fixture(builder -> builder);
    PassResult awaiting = fx.pass("shop");

    WebResponse response =
        fx.postJson(
            "/api/applications/shop/approve", "{\"planId\":\"" + awaiting.planId() + "\"}", ALICE);

    assertThat(response.status()).isEqualTo(403);
    assertThat(json(response).get("error").asText()).isEqualTo("read_only");
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isFalse();
    assertThat(fx.get("/apps/shop").bodyText())
        .contains("read-only")
        .doesNotContain("action-approve");
  }

  @Test
  void actionsNeedAValidBearerToken() throws Exception {
    fx = Fixture.withActions();
    fx.pass("shop");

    WebResponse none =
        fx.handle("POST", "/api/applications/shop/sync", "", "X-CSRF-Token", "nothing");
    WebResponse wrong = fx.postJson("/api/applications/shop/sync", "", "not-a-known-token-at-all");

    assertThat(none.status()).isEqualTo(403);
    assertThat(json(none).get("error").asText()).isEqualTo("csrf");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("WWW-Authenticate")).contains("Bearer realm=\"gitops4j\"");
    assertThat(json(wrong).get("message").asText()).isEqualTo("the bearer token is not valid");
    assertThat(fx.actionRecords("shop")).isEmpty();
  }

  @Test
  void badRequestsGetClearJsonErrors() throws Exception {
    fx = Fixture.withActions();
    PassResult awaiting = fx.pass("shop");

    assertError(fx.postJson("/api/applications/shop/approve", "", ALICE), 400, "missing 'planId'");
    assertError(
        fx.postJson("/api/applications/shop/approve", "{\"planId\":\"abc123\"}", ALICE),
        409,
        "plan abc123 of shop does not await approval: plan " + awaiting.planId() + " does");
    assertError(
        fx.postJson("/api/applications/shop/approve", "{\"planId\": }", ALICE),
        400,
        "the body is not JSON (line 1, column 12)");
    assertError(
        fx.postJson("/api/applications/shop/approve", "[1]", ALICE),
        400,
        "the body must be a JSON object");
    assertError(
        fx.postJson("/api/applications/nope/sync", "", ALICE), 404, "no application 'nope'");
    assertError(
        fx.postJson("/api/applications/shop/explode", "", ALICE), 404, "no action 'explode'");
    assertError(
        fx.postJson("/api/applications/shop/rollback", "{\"revision\":\"deadbeef\"}", ALICE),
        400,
        "revision deadbeef is not in the history of shop");
    assertError(
        fx.postJson("/api/applications/shop/rollback", "{\"revision\":\"a b\"}", ALICE),
        400,
        "'revision' must match");
    assertError(fx.postJson("/api/applications/shop/unpin", "", ALICE), 409, "shop is not pinned");
    assertError(fx.get("/api/applications/shop/history?limit=lots"), 400, "limit must be a number");
    assertError(fx.get("/api/applications/shop/history?limit=0"), 400, "limit must be between 1");
    assertError(fx.handle("PUT", "/api/applications", ""), 405, "PUT is not supported");
    assertError(fx.get("/api/nothing"), 404, "no API endpoint /api/nothing");
    assertError(
        fx.handle(
            "POST",
            "/api/applications/shop/sync",
            "planId=x",
            "Content-Type",
            "text/plain",
            "Authorization",
            "Bearer " + ALICE),
        415,
        "application/json");
    assertError(
        fx.postJson("/api/applications/shop/sync", "{\"x\":\"" + "a".repeat(70_000) + "\"}", ALICE),
        413,
        "request body over 65536 bytes");
    assertThat(fx.actionRecords("shop")).isEmpty();
  }

  @Test
  void rollbackPinsAnEarlierRevisionAndUnpinFollowsTheRefAgain() throws Exception {
    fx = Fixture.withActions();
    fx.pass("web");
    String first = fx.revision;
    fx.source.commit(
        java.util.Map.of(
            "shop.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  color: green\n"));
    fx.pass("web");

    WebResponse rollback =
        fx.postJson("/api/applications/web/rollback", "{\"revision\":\"" + first + "\"}", ALICE);

    assertThat(rollback.status()).isEqualTo(202);
    JsonNode web = json(fx.get("/api/applications/web"));
    assertThat(web.get("pinnedRevision").asText()).isEqualTo(first);
    assertThat(web.get("revision").asText()).isEqualTo(first);
    assertThat(fx.webTarget.get(Fixture.SETTINGS).orElseThrow().at("/data/color").asText())
        .isEqualTo("blue");

    assertThat(fx.postJson("/api/applications/web/unpin", "", ALICE).status()).isEqualTo(202);
    assertThat(json(fx.get("/api/applications/web")).get("pinnedRevision").isNull()).isTrue();
    assertThat(fx.webTarget.get(Fixture.SETTINGS).orElseThrow().at("/data/color").asText())
        .isEqualTo("green");
    assertThat(fx.actionRecords("web"))
        .containsExactly("alice: unpin", "alice: rollback to " + first);
  }

  @Test
  void suspendShowsAtOnceAndResumeRunsAPass() throws Exception {
    fx = Fixture.withActions();
    fx.pass("web");

    assertThat(fx.postJson("/api/applications/web/suspend", "", ALICE).status()).isEqualTo(202);
    assertThat(json(fx.get("/api/applications/web")).get("status").asText()).isEqualTo("SUSPENDED");
    assertThat(fx.postJson("/api/applications/web/resume", "", ALICE).status()).isEqualTo(202);
    assertThat(json(fx.get("/api/applications/web")).get("status").asText()).isEqualTo("IN_SYNC");
  }

  private static void assertError(WebResponse response, int status, String message) {
    assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
    assertThat(response.header("Content-Type")).contains("application/json");
    JsonNode body = json(response);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("message").asText()).contains(message);
  }
}
