package dev.gitops4j.cli.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.webhook.WebhookDecision;
import dev.gitops4j.webhook.WebhookReceiver;
import dev.gitops4j.webhook.WebhookRequest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code /healthz}, {@code /metrics} and {@code /webhook} on the JDK's HTTP server. Two threads:
 * every handler is quick (the webhook only schedules passes).
 */
final class HttpEndpoints implements AutoCloseable {

  private static final int MAX_BODY = WebhookReceiver.DEFAULT_MAX_BODY_BYTES;

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static HttpEndpoints start(
      String bind, int port, Engine engine, PrometheusMeterRegistry registry, WebhookReceiver hooks)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.createContext(
        "/healthz",
        exchange -> {
          StringBuilder body = new StringBuilder("ok\n");
          for (String app : engine.applications()) {
            body.append(app)
                .append(' ')
                .append(engine.lastResult(app).map(r -> r.status().name()).orElse("PENDING"))
                .append('\n');
          }
          send(exchange, 200, "text/plain; charset=utf-8", body.toString());
        });
    server.createContext(
        "/metrics",
        exchange ->
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/webhook",
        exchange -> {
          if (hooks == null) {
            send(exchange, 404, "text/plain", "webhooks are not configured\n");
            return;
          }
          if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, "text/plain", "POST only\n");
            return;
          }
          byte[] body = readBounded(exchange.getRequestBody());
          Map<String, List<String>> headers = new HashMap<>(exchange.getRequestHeaders());
          WebhookDecision decision = hooks.receive(new WebhookRequest(headers, body));
          String reply = decision.message();
          if (decision.accepted()) {
            List<String> apps = engine.pushed(decision.event().orElseThrow());
            reply += "; triggered: " + (apps.isEmpty() ? "none" : String.join(", ", apps));
          }
          send(exchange, decision.status(), "text/plain; charset=utf-8", reply + "\n");
        });
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "gitops4j-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new HttpEndpoints(server, executor);
  }

  /** {@code host:port} actually bound. */
  String address() {
    InetSocketAddress a = server.getAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  // One byte over the limit is enough for the receiver to answer 413.
  private static byte[] readBounded(InputStream in) throws IOException {
    try (in) {
      return in.readNBytes(MAX_BODY + 1);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
