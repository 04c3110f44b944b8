package dev.gitops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.spring.internal.SpringSecurityAuthenticator;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.web.Authenticator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A Spring Boot web application secured by Spring Security (HTTP basic, users in memory): the
 * dashboard's principals are Spring Security's, their authorities mapped through {@code
 * gitops4j.dashboard.grants}. Real HTTP requests go through Tomcat and the security filter chain.
 */
class SpringSecurityDashboardTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static GitRepoFixture repo;
  private static ConfigurableApplicationContext context;
  private static String base;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SecuredApp {

    @Bean
    InMemoryTarget memorySystem() {
      return InMemoryTarget.create();
    }

    @Bean
    Target memory(InMemoryTarget system) {
      return system.target();
    }

    /**
     * Everything may be read; credentials are checked when sent. The dashboard checks its own CSRF
     * token on every state-changing request, so Spring's is off below its path.
     */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .httpBasic(Customizer.withDefaults())
          .csrf(csrf -> csrf.ignoringRequestMatchers("/gitops/**"))
          .build();
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("alice").password("{noop}alice-password").roles("OPS").build(),
          User.withUsername("bob").password("{noop}bob-password").roles("VIEWER").build());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    repo = GitRepoFixture.create(dir.resolve("repo"));
    repo.commit(
        "settings",
        Map.of(
            "deploy/settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n"
                + "data:\n  colour: teal\n"));
    context =
        new SpringApplicationBuilder(SecuredApp.class)
            .properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "gitops4j.applications.shop.source.url=" + repo.uri(),
                "gitops4j.applications.shop.source.path=deploy",
                "gitops4j.applications.shop.target=memory",
                "gitops4j.applications.shop.interval=1h",
                "gitops4j.dashboard.read-only=false",
                "gitops4j.dashboard.grants[0].role=ROLE_OPS",
                "gitops4j.dashboard.grants[0].applications=shop",
                "gitops4j.dashboard.grants[0].actions=sync,suspend,resume")
            .run();
    base =
        "http://127.0.0.1:"
            + ((WebServerApplicationContext) context).getWebServer().getPort()
            + "/gitops";
    // The first pass, so that actions find a settled application.
    PassResult first = context.getBean(Engine.class).trigger("shop").get(60, TimeUnit.SECONDS);
    assertThat(first.error()).isEmpty();
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  /** A dashboard session: its cookie and its CSRF token. */
  private record Session(String cookie, String csrfToken) {}

  private Session session() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/session")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    String cookie = response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    return new Session(cookie, JSON.readTree(response.body()).get("csrfToken").asText());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> apiAction(String action, String authorization, Session session)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/api/applications/shop/" + action))
            .header("Cookie", session.cookie())
            .header("X-CSRF-Token", session.csrfToken())
            .POST(HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<HistoryRecord> actions() throws Exception {
    return context.getBean(HistoryStore.class).list("shop", 500).stream()
        .filter(r -> r.status().equals("ACTION"))
        .toList();
  }

  @Test
  void theAuthenticatorIsSpringSecuritys() {
    assertThat(context.getBean(Authenticator.class))
        .isInstanceOf(SpringSecurityAuthenticator.class);
  }

  @Test
  void aUserWithTheGrantSuspendsAndTheHistoryNamesHerAndAUserWithoutItIsRefused() throws Exception {
    Engine engine = context.getBean(Engine.class);
    Session session = session();

    HttpResponse<String> refused = apiAction("suspend", basic("bob", "bob-password"), session);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    JsonNode error = JSON.readTree(refused.body());
    assertThat(error.get("error").asText()).isEqualTo("forbidden");
    assertThat(error.get("message").asText()).isEqualTo("bob is not allowed to suspend shop");
    assertThat(engine.suspended("shop")).isFalse();

    HttpResponse<String> accepted = apiAction("suspend", basic("alice", "alice-password"), session);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(JSON.readTree(accepted.body()).get("principal").asText()).isEqualTo("alice");
    assertThat(engine.suspended("shop")).isTrue();
    assertThat(actions())
        .anySatisfy(
            r -> {
              assertThat(r.author()).isEqualTo("alice");
              assertThat(r.planSummary()).startsWith("suspend");
            })
        .noneSatisfy(r -> assertThat(r.author()).isEqualTo("bob"));

    HttpResponse<String> resumed = apiAction("resume", basic("alice", "alice-password"), session);
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
    assertThat(engine.suspended("shop")).isFalse();
  }

  @Test
  void anonymousIsRefusedEvenWithAValidCsrfToken() throws Exception {
    int recorded = actions().size();
    HttpResponse<String> refused = apiAction("sync", null, session());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    assertThat(actions()).hasSize(recorded);
    assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("unauthenticated");
  }

  @Test
  void wrongCredentialsAreRefusedBySpringSecurity() throws Exception {
    int recorded = actions().size();
    HttpResponse<String> refused = apiAction("sync", basic("alice", "guess"), session());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(actions()).hasSize(recorded);
  }

  @Test
  void thePagesFormsStillNeedTheDashboardsCsrfTokenOfTheirSession() throws Exception {
    Session session = session();
    Session otherSession = session();
    String alice = basic("alice", "alice-password");
    int recorded = actions().size();

    // Signed in through Spring Security, but the form carries no token, or another session's.
    for (String form : List.of("", "_csrf=" + encode(otherSession.csrfToken()))) {
      HttpResponse<String> forged = pageAction("sync", alice, session.cookie(), form);
      assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
      assertThat(forged.body()).contains("no valid CSRF token");
    }
    assertThat(actions()).hasSize(recorded);

    HttpResponse<String> done =
        pageAction("sync", alice, session.cookie(), "_csrf=" + encode(session.csrfToken()));
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location").orElseThrow())
        .isEqualTo("/gitops/apps/shop?done=sync");
    assertThat(actions()).hasSize(recorded + 1);
    assertThat(actions())
        .anySatisfy(
            r -> {
              assertThat(r.author()).isEqualTo("alice");
              assertThat(r.planSummary()).isEqualTo("sync");
            });
  }

  private HttpResponse<String> pageAction(
      String action, String authorization, String cookie, String form) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/apps/shop/" + action))
            .header("Authorization", authorization)
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
