package dev.gitops4j.web;

import static dev.gitops4j.web.Fixture.ALICE;
import static dev.gitops4j.web.Fixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in, session cookie and CSRF token of the pages, as a browser would send them. */
class PageSecurityTest {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final String FORM = "application/x-www-form-urlencoded";

  private Fixture fx;
  private PassResult awaiting;

  @BeforeEach
  void setUp() throws Exception {
    fx = Fixture.withActions();
    awaiting = fx.pass("shop");
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** A browser's cookie and the token its page carries. */
  private record Browser(String cookie, String csrf) {}

  private Browser visit() {
    WebResponse page = fx.get("/apps/shop");
    assertThat(page.status()).isEqualTo(200);
    String setCookie = page.header("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/gitops");
    return new Browser(setCookie.substring(0, setCookie.indexOf(';')), csrf(page.bodyText()));
  }

  private Browser signIn(String token) {
    Browser anonymous = visit();
    WebResponse response =
        post(
            anonymous,
            "/login",
            "token=" + enc(token) + "&return=%2Fgitops%2Fapps%2Fshop&_csrf=" + anonymous.csrf);
    assertThat(response.status()).isEqualTo(303);
    assertThat(response.header("Location")).contains("/gitops/apps/shop");
    String setCookie = response.header("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(cookie).as("a new session id on sign-in").isNotEqualTo(anonymous.cookie);
    WebResponse page = fx.get("/apps/shop", "Cookie", cookie);
    return new Browser(cookie, csrf(page.bodyText()));
  }

  private WebResponse post(Browser browser, String path, String form) {
    return fx.handle("POST", path, form, "Content-Type", FORM, "Cookie", browser.cookie);
  }

  private WebResponse approve(Browser browser, String csrf) {
    return post(
        browser,
        "/apps/shop/approve",
        "planId=" + awaiting.planId() + (csrf == null ? "" : "&_csrf=" + enc(csrf)));
  }

  @Test
  void signedInPrincipalApprovesWithTheTokenOfItsSession() throws Exception {
    Browser alice = signIn(ALICE);
    assertThat(fx.get("/apps/shop", "Cookie", alice.cookie).bodyText())
        .contains("Signed in as <strong>alice</strong>", "id=\"action-approve\"");

    WebResponse response = approve(alice, alice.csrf);

    assertThat(response.status()).isEqualTo(303);
    assertThat(response.header("Location")).contains("/gitops/apps/shop?done=approve");
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isTrue();
    assertThat(fx.actionRecords("shop"))
        .containsExactly("alice: approve plan " + awaiting.planId());
  }

  @Test
  void stateChangingRequestsWithoutTheSessionsTokenAreRefused() throws Exception {
    Browser alice = signIn(ALICE);
    Browser other = signIn(BOB);

    WebResponse missing = approve(alice, null);
    WebResponse foreign = approve(alice, other.csrf);
    WebResponse forged = approve(alice, alice.csrf.substring(1) + "A");
    WebResponse header =
        fx.handle(
            "POST",
            "/api/applications/shop/approve",
            "{\"planId\":\"" + awaiting.planId() + "\"}",
            "Content-Type",
            "application/json",
            "Cookie",
            alice.cookie);

    for (WebResponse refused : new WebResponse[] {missing, foreign, forged}) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.bodyText()).contains("no valid CSRF token");
    }
    assertThat(header.status()).isEqualTo(403);
    assertThat(Fixture.json(header).get("error").asText()).isEqualTo("csrf");
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isFalse();
    assertThat(fx.actionRecords("shop")).isEmpty();

    // The API from the page's script: the same token in a header.
    WebResponse fromScript =
        fx.handle(
            "POST",
            "/api/applications/shop/approve",
            "{\"planId\":\"" + awaiting.planId() + "\"}",
            "Content-Type",
            "application/json",
            "Cookie",
            alice.cookie,
            "X-CSRF-Token",
            alice.csrf);
    assertThat(fromScript.status()).isEqualTo(202);
  }

  @Test
  void signInItselfNeedsTheTokenAndAnUnknownAccessTokenIsRefused() {
    Browser anonymous = visit();

    WebResponse noCsrf = post(anonymous, "/login", "token=" + enc(ALICE));
    WebResponse unknown =
        post(anonymous, "/login", "token=wrong-token-000000000&_csrf=" + anonymous.csrf);

    assertThat(noCsrf.status()).isEqualTo(403);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.bodyText()).contains("unknown access token");
    assertThat(unknown.header("Set-Cookie")).isEmpty();
  }

  @Test
  void signInNeverRedirectsOutsideTheDashboard() {
    Browser anonymous = visit();

    WebResponse response =
        post(
            anonymous,
            "/login",
            "token=" + enc(ALICE) + "&return=%2F%2Fevil.example%2F&_csrf=" + anonymous.csrf);

    assertThat(response.header("Location")).contains("/gitops/");
  }

  @Test
  void refusedActionShowsTheReasonOnThePageAndChangesNothing() throws Exception {
    Browser bob = signIn(BOB);
    assertThat(fx.get("/apps/shop", "Cookie", bob.cookie).bodyText())
        .contains("id=\"action-approve\" class=\"primary\" disabled")
        .contains("bob is not allowed to approve shop");

    WebResponse response = approve(bob, bob.csrf);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.bodyText()).contains("bob is not allowed to approve shop");
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isFalse();
  }

  @Test
  void signOutForgetsTheSession() {
    Browser alice = signIn(ALICE);

    WebResponse out = post(alice, "/logout", "_csrf=" + alice.csrf);

    assertThat(out.status()).isEqualTo(303);
    assertThat(fx.get("/apps/shop", "Cookie", alice.cookie).bodyText())
        .doesNotContain("Signed in as");
    assertThat(approve(alice, alice.csrf).status()).isEqualTo(401);
  }

  @Test
  void aSignInLastsTheSessionTimeout() {
    Browser alice = signIn(ALICE);
    fx.clock.advance(java.time.Duration.ofHours(8).minusMinutes(1));
    assertThat(fx.get("/apps/shop", "Cookie", alice.cookie).bodyText()).contains("Signed in as");

    fx.clock.advance(java.time.Duration.ofMinutes(1));

    assertThat(fx.get("/apps/shop", "Cookie", alice.cookie).bodyText())
        .doesNotContain("Signed in as");
    assertThat(approve(alice, alice.csrf).status()).isEqualTo(401);
  }

  @Test
  void pagesCarrySecurityHeaders() {
    WebResponse page = fx.get("/");

    assertThat(page.header("Content-Security-Policy"))
        .hasValueSatisfying(
            v -> assertThat(v).contains("default-src 'none'", "frame-ancestors 'none'"));
    assertThat(page.header("X-Frame-Options")).contains("DENY");
    assertThat(page.header("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.header("Cache-Control")).contains("no-store");
    assertThat(page.bodyText()).doesNotContain("<script>").contains("/gitops/static/dashboard.js");
  }

  @Test
  void readsCanRequireAPrincipal() {
    fx.close();
    fx = new Fixture(Dashboard.Builder::authenticateReads);

    assertThat(fx.get("/api/applications").status()).isEqualTo(401);
    assertThat(fx.get("/apps/shop").status()).isEqualTo(401);
    assertThat(fx.get("/api/applications", "Authorization", "Bearer " + BOB).status())
        .isEqualTo(200);
  }

  private static String csrf(String html) {
    Matcher m = CSRF.matcher(html);
    assertThat(m.find()).as("page carries a CSRF token").isTrue();
    return m.group(1);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
