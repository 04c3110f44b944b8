package dev.gitops4j.web;

import static dev.gitops4j.web.Fixture.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.engine.PassResult;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same requests through both adapters over real HTTP: the JDK HttpServer and the servlet in an
 * embedded Jetty: pages, JSON, a live event after a pass, and an approval by bearer token.
 */
class ServerAdaptersTest {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Fixture fx;

  @BeforeEach
  void setUp() {
    fx = Fixture.withActions();
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void jdkHttpServer() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    fx.dashboard.mount(server, "/gitops");
    server.start();
    try {
      exercise(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/gitops"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void servletInJetty() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder holder = new ServletHolder(new DashboardServlet(fx.dashboard));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/gitops/*");
    server.setHandler(context);
    server.start();
    try {
      exercise(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/gitops"));
    } finally {
      server.stop();
    }
  }

  private void exercise(URI base) throws Exception {
    HttpResponse<String> page = get(base + "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
        .isEqualToIgnoringCase("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("Set-Cookie"))
        .hasValueSatisfying(c -> assertThat(c).contains("Path=/gitops", "HttpOnly"));
    assertThat(page.body())
        .contains("href=\"/gitops/apps/shop\"", "href=\"/gitops/static/dashboard.css\"");
    assertThat(get(base + "/static/dashboard.css").body()).contains(".badge");
    assertThat(get(base + "/apps/nope").statusCode()).isEqualTo(404);

    // A live event arrives when a pass finishes.
    HttpResponse<Stream<String>> stream =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    Iterator<String> lines = stream.body().iterator();
    assertThat(lines.next()).isEqualTo("retry: 3000");
    CompletableFuture<PassResult> pass =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return fx.pass("shop");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    String event = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.equals("event: pass")) {
        event = lines.next();
        break;
      }
    }
    stream.body().close();
    PassResult awaiting = pass.get(20, TimeUnit.SECONDS);
    assertThat(event)
        .startsWith("data: ")
        .contains(
            "\"application\":\"shop\"", "\"status\":\"AWAITING_APPROVAL\"", awaiting.planId());

    HttpResponse<String> list = get(base + "/api/applications");
    assertThat(list.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(Fixture.JSON.readTree(list.body()).get("applications").get(0).get("status").asText())
        .isEqualTo("AWAITING_APPROVAL");

    HttpResponse<String> approve =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/applications/shop/approve"))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"planId\":\"" + awaiting.planId() + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(approve.statusCode()).as(approve.body()).isEqualTo(202);
    assertThat(fx.shopTarget.contains(Fixture.SETTINGS)).isTrue();

    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/applications/shop/sync"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("\"error\":\"csrf\"");
  }

  private HttpResponse<String> get(String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
