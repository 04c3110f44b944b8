package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.metrics.MicrometerListener;
import dev.gitops4j.webhook.WebhookReceiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the engine until stopped, with health, metrics and webhook endpoints. */
@Command(
    name = "watch",
    description = {
      "Reconcile continuously until stopped (SIGINT/SIGTERM).",
      "Serves /healthz, /metrics (Prometheus) and /webhook on --bind:--port.",
      "Webhook secrets come from the environment (GITOPS4J_WEBHOOK_GITHUB_SECRET,",
      "GITOPS4J_WEBHOOK_GITLAB_TOKEN, GITOPS4J_WEBHOOK_HMAC_SECRET) or --*-file options."
    })
final class WatchCommand extends AppCommand implements Callable<Integer> {

  static final String GITHUB_ENV = "GITOPS4J_WEBHOOK_GITHUB_SECRET";
  static final String GITLAB_ENV = "GITOPS4J_WEBHOOK_GITLAB_TOKEN";
  static final String HMAC_ENV = "GITOPS4J_WEBHOOK_HMAC_SECRET";

  /** Header carrying the HMAC-SHA256 of generic deliveries (CI, scripts, Gitea). */
  static final String HMAC_HEADER = "X-Gitops4j-Signature";

  @Option(names = "--bind", description = "Address to listen on (default: 127.0.0.1).")
  String bind = "127.0.0.1";

  @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: 8080).")
  int port = 8080;

  @Option(
      names = "--github-secret-file",
      paramLabel = "FILE",
      description = "GitHub webhook secret.")
  Path githubSecretFile;

  @Option(names = "--gitlab-token-file", paramLabel = "FILE", description = "GitLab webhook token.")
  Path gitlabTokenFile;

  @Option(
      names = "--hmac-secret-file",
      paramLabel = "FILE",
      description = "Secret of generic deliveries signed in " + HMAC_HEADER + ".")
  Path hmacSecretFile;

  WatchCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() throws IOException {
    List<AppSpec> specs = apps.specs();
    Optional<WebhookReceiver> webhooks = webhooks();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    java.util.concurrent.atomic.AtomicReference<Workspace> opened =
        new java.util.concurrent.atomic.AtomicReference<>();
    ReconcileListener log =
        new ReconcileListener() {
          @Override
          public void passFinished(PassResult result) {
            Workspace ws = opened.get();
            Workspace.Unit unit = ws == null ? null : ws.unit(result.application());
            if (unit != null) {
              Report.pass(ctx.out(), unit, result, false);
            }
          }
        };
    Path historyFile = state.history().toAbsolutePath();
    Files.createDirectories(historyFile.getParent());
    try (JsonLinesHistoryStore history = JsonLinesHistoryStore.open(historyFile);
        Workspace ws =
            Workspace.open(
                specs,
                state.stateDir,
                ctx.env(),
                p -> p,
                history,
                List.of(new MicrometerListener(registry), log),
                timeout,
                pins());
        HttpEndpoints http =
            HttpEndpoints.start(bind, port, ws.engine(), registry, webhooks.orElse(null))) {
      opened.set(ws);
      for (Workspace.Unit unit : ws.units()) {
        if (unit.pinned() != null) {
          // The engine keeps the pin for as long as it runs: every pass stays at this revision.
          ws.pass(unit);
          ctx.out().println(unit.label() + ": " + Report.source(unit));
        }
      }
      ctx.out().println("listening on http://" + http.address());
      ctx.out().flush();
      ws.engine().start();
      try {
        new CountDownLatch(1).await(); // until interrupted by a signal or the caller
      } catch (InterruptedException e) {
        ctx.out().println("stopping");
        ctx.out().flush();
      }
    } finally {
      registry.close();
    }
    return Main.OK;
  }

  private Optional<WebhookReceiver> webhooks() {
    String github = secret(GITHUB_ENV, githubSecretFile);
    String gitlab = secret(GITLAB_ENV, gitlabTokenFile);
    String hmac = secret(HMAC_ENV, hmacSecretFile);
    if (github == null && gitlab == null && hmac == null) {
      return Optional.empty();
    }
    WebhookReceiver.Builder builder = WebhookReceiver.builder();
    if (github != null) {
      builder.github(github);
    }
    if (gitlab != null) {
      builder.gitlab(gitlab);
    }
    if (hmac != null) {
      builder.hmac(HMAC_HEADER, hmac);
    }
    return Optional.of(builder.build());
  }

  private String secret(String env, Path file) {
    if (file != null) {
      try {
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
          throw new CliException(file + " is empty");
        }
        return value;
      } catch (IOException e) {
        throw new CliException("cannot read secret file " + file + ": " + e.getMessage());
      }
    }
    String value = ctx.env().get(env);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
