package dev.gitops4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An engine with two applications on in-memory targets (passes run on the calling thread), its
 * history, and a dashboard with two principals: alice (role ops: every action everywhere) and bob
 * (sync of shop only).
 */
final class Fixture implements AutoCloseable {

  static final String ALICE = "alice-token-0123456789";
  static final String BOB = "bob-token-0123456789ab";
  static final String SECRET_VALUE = "hunter2-very-secret";
  static final ResourceId SETTINGS = ResourceId.of("ConfigMap", "shop", "settings");
  static final ResourceId CREDS = ResourceId.of("Secret", "shop", "creds");
  static final ObjectMapper JSON = new ObjectMapper();

  final ManualClock clock = ManualClock.create();
  final InMemorySource source = InMemorySource.create("shop-config", clock);
  final InMemoryTarget shopTarget = InMemoryTarget.create();
  final InMemoryTarget webTarget = InMemoryTarget.create();
  final InMemoryHistoryStore history = new InMemoryHistoryStore();
  final DashboardListener live = DashboardListener.create();
  final Engine engine;
  final Dashboard dashboard;
  final String revision;

  Fixture(UnaryOperator<Dashboard.Builder> configure) {
    revision = source.commit(Map.of("shop.yaml", MANIFESTS));
    engine =
        DeterministicEngine.builder(clock, new ManualScheduler(clock))
            .application(app("shop", shopTarget, SyncPolicy.manualApproval()))
            .application(app("web", webTarget, SyncPolicy.automatic()))
            .history(history)
            .listener(live)
            .build();
    dashboard =
        configure
            .apply(
                Dashboard.builder(engine, live)
                    .history(history)
                    .clock(clock)
                    .authenticator(
                        Authenticator.bearerTokens(
                            Map.of(ALICE, Principal.of("alice", "ops"), BOB, Principal.of("bob"))))
                    .authorizer(
                        Authorizer.rules()
                            .grantRole("ops", "*", Action.values())
                            .grant("bob", "shop", Action.SYNC)
                            .build()))
            .build();
  }

  /** Actions enabled. */
  static Fixture withActions() {
    return new Fixture(Dashboard.Builder::enableActions);
  }

  private Application app(String name, InMemoryTarget target, SyncPolicy policy) {
    return Application.builder(name)
        .source(source)
        .target(target.target())
        .policy(policy)
        .interval(Duration.ofMinutes(3))
        .build();
  }

  PassResult pass(String app) throws Exception {
    return engine.trigger(app).get(30, TimeUnit.SECONDS);
  }

  WebResponse get(String path, String... headers) {
    return handle("GET", path, "", headers);
  }

  WebResponse handle(String method, String path, String body, String... headers) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], headers[i + 1]);
    }
    int q = path.indexOf('?');
    return dashboard.handle(
        new WebRequest(
            method,
            "/gitops",
            q < 0 ? path : path.substring(0, q),
            q < 0 ? "" : path.substring(q + 1),
            map,
            body.getBytes(StandardCharsets.UTF_8),
            false));
  }

  WebResponse postJson(String path, String json, String token) {
    return handle(
        "POST", path, json, "Content-Type", "application/json", "Authorization", "Bearer " + token);
  }

  static JsonNode json(WebResponse response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> actionRecords(String app) throws IOException {
    return history.list(app, 100).stream()
        .filter(r -> r.status().equals("ACTION"))
        .map(r -> r.author() + ": " + r.planSummary())
        .toList();
  }

  @Override
  public void close() {
    dashboard.close();
    engine.close();
  }

  private static final String MANIFESTS =
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: shop
      data:
        color: blue
      ---
      apiVersion: v1
      kind: Secret
      metadata:
        name: creds
        namespace: shop
      stringData:
        password: %s
      """
          .formatted(SECRET_VALUE);
}
