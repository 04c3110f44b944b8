package dev.gitops4j.examples.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.metrics.MicrometerListener;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.vm.VmTarget;
import dev.gitops4j.webhook.WebhookDecision;
import dev.gitops4j.webhook.WebhookReceiver;
import dev.gitops4j.webhook.WebhookRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain Java service that keeps a directory equal to a Git repository, reconciling at once when
 * GitHub reports a push.
 *
 * <ul>
 *   <li>{@code POST /webhook}: a GitHub push, signed with the shared secret
 *   <li>{@code GET /healthz}: {@code ok} while the service runs
 *   <li>{@code GET /metrics}: Prometheus text format, including the {@code gitops4j_*} metrics
 *   <li>{@code GET /status}: the last pass of each application, as JSON
 * </ul>
 */
public final class Service implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Service.class);

  private final VmTarget host;
  private final JsonLinesHistoryStore history;
  private final PrometheusMeterRegistry metrics;
  private final Engine engine;
  private final WebhookReceiver webhooks;
  private final HttpServer server;
  private final ExecutorService httpThreads;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final AtomicBoolean closed = new AtomicBoolean();

  public static void main(String[] args) throws Exception {
    Service service = start(ServiceConfig.parse(args, System.getenv()));
    // SIGTERM / Ctrl-C: stop taking webhooks, let the pass in flight finish its step, flush.
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
    LOG.info("listening on {}", service.uri());
    Thread.currentThread().join();
  }

  /** Wires the engine and the HTTP endpoints, then starts both. */
  public static Service start(ServiceConfig config) throws IOException {
    LOG.info("starting with {}", config);
    Files.createDirectories(config.stateDirectory());
    Files.createDirectories(config.hostDirectory());

    // 1. Where the desired state comes from: one branch and path of a Git repository.
    GitSource source =
        GitSource.builder(config.repository())
            .ref(GitRef.branch(config.branch()))
            .path(config.path())
            .cacheDir(config.stateDirectory().resolve("git"))
            .build();

    // 2. What is reconciled: files and directories under the host directory. Its inventory (what
    // the service owns and may prune) lives there too, in .gitops4j/.
    VmTarget host = VmTarget.local(config.hostDirectory());
    Target target = host.target("localhost");

    // 3. The application: heal drift and prune, and poll rarely, since pushes trigger passes.
    Application application =
        Application.builder(ServiceConfig.APPLICATION)
            .source(source)
            .target(target)
            .policy(SyncPolicy.automatic())
            .interval(config.interval())
            .build();

    // 4. Audit trail, metrics and a log line per pass.
    JsonLinesHistoryStore history =
        JsonLinesHistoryStore.open(config.stateDirectory().resolve("history.jsonl"));
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Engine engine =
        Engine.builder()
            .application(application)
            .history(history)
            .listener(new MicrometerListener(metrics))
            .listener(new PassLog())
            .build();

    // 5. Webhooks: only requests signed with the shared secret are accepted.
    WebhookReceiver webhooks = WebhookReceiver.builder().github(config.webhookSecret()).build();

    // 6. HTTP endpoints, then the first pass.
    Service service;
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 16);
      service = new Service(host, history, metrics, engine, webhooks, server);
    } catch (IOException | RuntimeException e) {
      engine.close();
      host.close();
      history.close();
      metrics.close();
      throw e;
    }
    engine.start();
    return service;
  }

  private Service(
      VmTarget host,
      JsonLinesHistoryStore history,
      PrometheusMeterRegistry metrics,
      Engine engine,
      WebhookReceiver webhooks,
      HttpServer server) {
    this.host = host;
    this.history = history;
    this.metrics = metrics;
    this.engine = engine;
    this.webhooks = webhooks;
    this.server = server;
    server.createContext("/webhook", only("POST", this::webhook));
    server.createContext("/healthz", only("GET", ex -> send(ex, 200, "text/plain", "ok\n")));
    server.createContext(
        "/metrics",
        only("GET", ex -> send(ex, 200, "text/plain; version=0.0.4", metrics.scrape())));
    server.createContext("/status", only("GET", this::status));
    // Handlers are quick (a webhook only schedules a pass): two threads are plenty.
    this.httpThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(httpThreads);
    server.start();
  }

  /** Where the endpoints are served, e.g. {@code http://127.0.0.1:8080}. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /** The engine, to trigger, roll back or inspect applications. */
  public Engine engine() {
    return engine;
  }

  private void webhook(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      // One byte over the limit is enough for the receiver to answer 413.
      body = in.readNBytes(WebhookReceiver.DEFAULT_MAX_BODY_BYTES + 1);
    }
    WebhookDecision decision =
        webhooks.receive(new WebhookRequest(exchange.getRequestHeaders(), body));
    String reply = decision.message();
    if (decision.accepted()) {
      // Passes run on the engine's threads; the sender gets its answer at once.
      List<String> triggered = engine.pushed(decision.event().orElseThrow());
      reply += "; triggered: " + (triggered.isEmpty() ? "none" : String.join(", ", triggered));
    }
    LOG.info("webhook {}: {}", decision.status(), reply);
    send(exchange, decision.status(), "text/plain", reply + "\n");
  }

  private void status(HttpExchange exchange) throws IOException {
    Map<String, AppStatus> apps = new LinkedHashMap<>();
    for (String app : engine.applications()) {
      apps.put(app, engine.lastResult(app).map(AppStatus::of).orElse(AppStatus.PENDING));
    }
    send(exchange, 200, "application/json", json.writeValueAsString(apps));
  }

  /**
   * The last pass of one application, as /status shows it.
   *
   * @param status pass status, or {@code PENDING} before the first pass
   * @param revision commit reconciled
   * @param trigger what started the pass
   * @param started when it started (ISO-8601)
   * @param durationMillis how long it took
   * @param plan summary of the plan, e.g. {@code 1 to create, 0 to update, 0 to delete}
   * @param error why the pass failed, or empty
   */
  public record AppStatus(
      String status,
      String revision,
      String trigger,
      String started,
      long durationMillis,
      String plan,
      String error) {

    static final AppStatus PENDING = new AppStatus("PENDING", "", "", "", 0, "", "");

    static AppStatus of(PassResult result) {
      return new AppStatus(
          result.status().name(),
          result.revision(),
          result.trigger().name(),
          result.started().toString(),
          result.duration().toMillis(),
          Optional.ofNullable(result.plan()).map(plan -> plan.summary()).orElse(""),
          result.error());
    }
  }

  /** Logs one line per pass. */
  private static final class PassLog implements ReconcileListener {
    @Override
    public void passFinished(PassResult result) {
      LOG.info(
          "{} {} at {} ({}): {}",
          result.application(),
          result.status(),
          result.revision(),
          result.trigger(),
          result.failed()
              ? result.error()
              : Optional.ofNullable(result.plan()).map(p -> p.summary()).orElse(""));
    }
  }

  /** Answers 405 to other methods; logs what a handler throws (the JDK server would not). */
  private static HttpHandler only(String method, HttpHandler handler) {
    return exchange -> {
      try {
        if (exchange.getRequestMethod().equals(method)) {
          handler.handle(exchange);
        } else {
          exchange.getResponseHeaders().set("Allow", method);
          send(exchange, 405, "text/plain", method + " only\n");
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      } finally {
        exchange.close();
      }
    };
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Stops taking requests (answering those in progress for up to a second), lets a pass in flight
   * finish the step it is in, then closes the audit trail. Safe to call more than once.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping");
    server.stop(1);
    httpThreads.shutdown();
    engine.close();
    host.close();
    try {
      history.close();
    } catch (IOException e) {
      LOG.warn("closing the history failed", e);
    }
    metrics.close();
  }
}
