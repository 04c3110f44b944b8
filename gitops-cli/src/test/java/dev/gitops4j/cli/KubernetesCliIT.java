package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.KubeApiServers;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a real kube-apiserver from the testbed, with applications declared in a
 * config file and a kubeconfig file, as an operator would run it.
 */
class KubernetesCliIT {

  private static final String PASSWORD = "hunter2-very-secret";

  private static KubeAPIServer server;
  private static Path kubeconfig;
  private static KubernetesClient client;

  @TempDir Path dir;

  @BeforeAll
  static void startApiServer() throws IOException {
    server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    kubeconfig = Files.createTempFile("gitops4j-cli-kubeconfig", ".yaml");
    Files.writeString(kubeconfig, server.getKubeConfigYaml(), StandardCharsets.UTF_8);
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build();
  }

  @AfterAll
  static void stopApiServer() throws IOException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
    Files.deleteIfExists(kubeconfig);
  }

  private static Map<String, String> manifests(String namespace, String greeting) {
    return Map.of(
        "app/namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n",
        "app/config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: "
            + namespace
            + "\ndata:\n  greeting: "
            + greeting
            + "\n",
        "app/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: credentials\n  namespace: "
            + namespace
            + "\ntype: Opaque\ndata:\n  password: "
            + Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))
            + "\n");
  }

  private Path configFile(String app, String url, String namespace) throws IOException {
    return Files.writeString(
        dir.resolve(app + ".yaml"),
        "applications:\n"
            + "  - name: "
            + app
            + "\n"
            + "    source: {url: '"
            + url
            + "', ref: main, path: app}\n"
            + "    target:\n"
            + "      type: k8s\n"
            + "      options:\n"
            + "        kubeconfig: "
            + kubeconfig
            + "\n"
            + "        namespace: "
            + namespace
            + "\n"
            + "    policy: {mode: automatic, prune: true, selfHeal: true}\n");
  }

  private ConfigMap configMap(String namespace) {
    return client.configMaps().inNamespace(namespace).withName("greeting").get();
  }

  @Test
  void planDiffSyncPruneHistoryAndRollback() throws IOException {
    String ns = "cli-sync";
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      String first = repo.commit("first", manifests(ns, "hello"));
      String[] app = {
        "--config", configFile("web", repo.uri(), ns).toString(),
        "--state-dir", dir.resolve("state").toString()
      };

      Run plan = run("plan", app);
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);
      assertThat(plan.out()).contains("web: OUT_OF_SYNC").contains("3 to create");

      Run diff = run("diff", app);
      assertThat(diff.exitCode()).as(diff.toString()).isEqualTo(Main.DRIFT);
      assertThat(diff.out()).contains("+++ desired/").contains("+  greeting: hello");
      assertThat(diff.out()).doesNotContain(PASSWORD).doesNotContain(base64(PASSWORD));
      assertThat(diff.out()).as("no colour off a terminal").doesNotContain("\u001b[");
      Run colored = run("diff", concat(app, "--color"));
      assertThat(colored.out()).contains("\u001b[32m+").doesNotContain(base64(PASSWORD));
      assertThat(configMap(ns)).as("plan and diff write nothing").isNull();

      Run sync = run("sync", app);
      assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.OK);
      assertThat(sync.out()).contains("[1/3]").contains("[3/3]").contains("web: SYNCED");
      assertThat(configMap(ns).getData()).containsEntry("greeting", "hello");

      Run inSync = run("diff", app);
      assertThat(inSync.exitCode()).as(inSync.toString()).isEqualTo(Main.OK);
      assertThat(inSync.out()).isEmpty();

      // Drift caused by another applier: its fields are taken back only with --force.
      // Another declarative owner takes the field: a conflict only --force resolves. (Imperative
      // edits, by contrast, are taken back without force.)
      client
          .configMaps()
          .inNamespace(ns)
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("greeting")
                  .withNamespace(ns)
                  .endMetadata()
                  .addToData("greeting", "edited")
                  .build())
          .fieldManager("other-applier")
          .forceConflicts()
          .serverSideApply();
      Run drifted = run("diff", app);
      assertThat(drifted.exitCode()).isEqualTo(Main.DRIFT);
      assertThat(drifted.out()).contains("-  greeting: edited").contains("+  greeting: hello");
      Run dryRun = run("sync", concat(app, "--dry-run", "--force"));
      assertThat(dryRun.exitCode()).as(dryRun.toString()).isEqualTo(Main.OK);
      assertThat(dryRun.out()).contains("[1/1] dry run update").contains("web: DRY_RUN");
      assertThat(configMap(ns).getData()).containsEntry("greeting", "edited");
      Run conflict = run("sync", app);
      assertThat(conflict.exitCode()).isEqualTo(Main.ERROR);
      assertThat(conflict.out()).contains("[1/1] failed update").contains("are managed by");
      Run healed = run("sync", concat(app, "--force"));
      assertThat(healed.exitCode()).as(healed.toString()).isEqualTo(Main.OK);
      assertThat(configMap(ns).getData()).containsEntry("greeting", "hello");

      // Removed from Git: kept with --no-prune, deleted by a pruning sync.
      repo.delete("drop the config map", "app/config.yaml");
      Run kept = run("sync", concat(app, "--no-prune"));
      assertThat(kept.exitCode()).as(kept.toString()).isEqualTo(Main.OK);
      assertThat(configMap(ns)).isNotNull();
      Run pruned = run("sync", app);
      assertThat(pruned.exitCode()).as(pruned.toString()).isEqualTo(Main.OK);
      assertThat(pruned.out()).contains("applied delete");
      assertThat(configMap(ns)).isNull();

      // Rollback to the first revision brings it back.
      Run rollback = run("rollback", concat(app, "web", first));
      assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(Main.OK);
      assertThat(configMap(ns).getData()).containsEntry("greeting", "hello");
      assertThat(run("rollback", concat(app, "web", "0".repeat(40))).err())
          .contains("not in the history");

      Path history = dir.resolve("state").resolve("history.jsonl");
      Run verify = Run.of("history", "verify", "--history", history.toString());
      assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(Main.OK);
      Run show = Run.of("history", "show", "web", "--history", history.toString());
      assertThat(show.out())
          .contains("trigger:     ROLLBACK")
          .contains(first)
          .doesNotContain(base64(PASSWORD));

      // An edited trail is caught, with the line.
      java.util.List<String> lines = Files.readAllLines(history);
      lines.set(0, lines.get(0).replace("SYNCED", "FAILED"));
      Files.write(history, lines);
      Run broken = Run.of("history", "verify", "--history", history.toString());
      assertThat(broken.exitCode()).isEqualTo(Main.ERROR);
      assertThat(broken.out()).contains(history + ":1: chain broken");
    }
  }

  @Test
  void dryRunIntoANamespaceThatDoesNotExistYet() throws IOException {
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      repo.commit("first", manifests("cli-dry", "hello"));
      String[] declared = {
        "--config", configFile("dry", repo.uri(), "cli-dry").toString(),
        "--state-dir", dir.resolve("state").toString()
      };
      // Git declares the Namespace, but a dry run does not really create it: the objects in it
      // cannot be dry-run by the API server. The pass fails and the CLI says why.
      Run declaredNs = run("sync", concat(declared, "--dry-run"));
      assertThat(declaredNs.exitCode()).as(declaredNs.toString()).isEqualTo(Main.ERROR);
      assertThat(declaredNs.out())
          .contains("dry run create Namespace cli-dry")
          .contains("namespaces \"cli-dry\" not found");
      assertThat(declaredNs.err())
          .contains("note: namespace cli-dry does not exist yet. A dry run creates nothing")
          .contains("-O create-namespaces=true");
      assertThat(client.namespaces().withName("cli-dry").get()).isNull();

      // With create-namespaces the dry run passes (the objects go unchecked by the server).
      String[] creating = {
        "--repo",
        repo.uri(),
        "--path",
        "app",
        "--name",
        "dry2",
        "--target",
        "k8s",
        "--kubeconfig",
        kubeconfig.toString(),
        "-O",
        "create-namespaces=true",
        "--state-dir",
        dir.resolve("state2").toString()
      };
      repo.delete("no namespace object", "app/namespace.yaml");
      Run created = run("sync", concat(creating, "--dry-run"));
      assertThat(created.exitCode()).as(created.toString()).isEqualTo(Main.OK);
      assertThat(created.out()).contains("dry2: DRY_RUN").contains("2 to create");
      assertThat(created.err()).doesNotContain("note:");
      assertThat(client.namespaces().withName("cli-dry").get()).as("nothing created").isNull();
      assertThat(configMap("cli-dry")).isNull();

      // A real sync with create-namespaces creates the namespace, then the objects.
      Run real = run("sync", creating);
      assertThat(real.exitCode()).as(real.toString()).isEqualTo(Main.OK);
      assertThat(configMap("cli-dry").getData()).containsEntry("greeting", "hello");
    }
  }

  @Test
  void aConfigFileSyncsDependenciesFirstAndADenyWindowHoldsASync() throws IOException {
    String ns = "cli-deps";
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      repo.commit(
          "first",
          Map.of(
              "base/namespace.yaml",
              "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n",
              "web/config.yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: "
                  + ns
                  + "\ndata:\n  greeting: hello\n"));
      String target =
          "    target: {type: k8s, options: {kubeconfig: "
              + kubeconfig
              + ", namespace: "
              + ns
              + "}}\n";
      String web =
          "  - name: shop\n"
              + "    source: {url: '"
              + repo.uri()
              + "', path: web}\n"
              + target
              + "    dependsOn: [platform]\n"
              + "    syncWindows:\n"
              + "      - {kind: deny, schedule: '* * * * *', duration: 1h, zone: Europe/Berlin%s}\n";
      String base =
          "  - name: platform\n    source: {url: '" + repo.uri() + "', path: base}\n" + target;
      Path frozen =
          Files.writeString(
              dir.resolve("frozen.yaml"), "applications:\n" + web.formatted("") + base);
      String state = dir.resolve("state").toString();

      // shop is declared first but depends on platform, which passes first. The window holds shop.
      Run held = run("sync", "--config", frozen.toString(), "--state-dir", state);
      assertThat(held.exitCode()).as(held.toString()).isEqualTo(Main.ERROR);
      assertThat(held.out()).contains("platform: SYNCED").contains("shop: OUT_OF_SYNC");
      assertThat(held.out().indexOf("platform: SYNCED")).isLessThan(held.out().indexOf("shop: "));
      assertThat(held.toString()).contains("no writes: deny window '* * * * *' for PT1H");
      assertThat(configMap(ns)).as("nothing written inside the window").isNull();

      // A window that lets manual syncs through: a sync from the command line is one.
      Path lenient =
          Files.writeString(
              dir.resolve("lenient.yaml"),
              "applications:\n" + web.formatted(", manualSync: true") + base);
      Run synced = run("sync", "--config", lenient.toString(), "--state-dir", state);
      assertThat(synced.exitCode()).as(synced.toString()).isEqualTo(Main.OK);
      assertThat(synced.out()).contains("platform: IN_SYNC").contains("shop: SYNCED");
      assertThat(configMap(ns).getData()).containsEntry("greeting", "hello");
    }
  }

  @Test
  void watchServesHealthMetricsAndWebhooks() throws Exception {
    String ns = "cli-watch";
    String secret = "webhook-secret-for-tests";
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      repo.commit("first", manifests(ns, "hello"));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      AtomicInteger exit = new AtomicInteger(-1);
      String[] args = {
        "watch",
        "--config",
        configFile("site", repo.uri(), ns).toString(),
        "--state-dir",
        dir.resolve("state").toString(),
        "--port",
        "0"
      };
      Thread watch =
          new Thread(
              () ->
                  exit.set(
                      Main.commandLine(
                              new PrintWriter(out, true),
                              new PrintWriter(err, true),
                              Map.of("GITOPS4J_WEBHOOK_HMAC_SECRET", secret))
                          .execute(args)));
      watch.start();
      try {
        Pattern listening = Pattern.compile("listening on http://([0-9.:]+)");
        assertThat(await(() -> listening.matcher(out.toString()).find()))
            .as(out + "\n" + err)
            .isTrue();
        Matcher m = listening.matcher(out.toString());
        assertThat(m.find()).isTrue();
        String base = "http://" + m.group(1);
        HttpClient http = HttpClient.newHttpClient();

        assertThat(await(() -> configMap(ns) != null)).as(out + "\n" + err).isTrue();
        assertThat(await(() -> get(http, base + "/healthz").body().contains("site SYNCED")))
            .isTrue();
        HttpResponse<String> metrics = get(http, base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("gitops4j_passes").contains("application=\"site\"");

        // A push: the webhook triggers a pass that applies the new commit.
        String next = repo.commit("second", manifests(ns, "pushed"));
        String payload =
            "{\"repository\": \""
                + repo.uri()
                + "\", \"ref\": \"refs/heads/main\", \"after\": \""
                + next
                + "\"}";
        HttpResponse<String> unsigned = post(http, base + "/webhook", payload, Map.of());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        HttpResponse<String> signed =
            post(
                http,
                base + "/webhook",
                payload,
                Map.of("X-Gitops4j-Signature", "sha256=" + hmac(secret, payload)));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
        assertThat(signed.body()).contains("triggered: site");
        assertThat(
                await(
                    () -> {
                      ConfigMap cm = configMap(ns);
                      return cm != null && "pushed".equals(cm.getData().get("greeting"));
                    }))
            .as(out.toString())
            .isTrue();
      } finally {
        watch.interrupt();
        watch.join(60_000);
      }
      assertThat(watch.isAlive()).isFalse();
      assertThat(exit.get()).as(err.toString()).isEqualTo(Main.OK);
      assertThat(out.toString()).contains("stopping");
    }
  }

  private static Run run(String command, String... args) {
    return Run.of(concat(new String[] {command}, args));
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmac(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> get(HttpClient http, String url) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> post(
      HttpClient http, String url, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until the condition holds, for at most a minute. */
  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Object lock = new Object();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      synchronized (lock) {
        lock.wait(100);
      }
    }
    return condition.getAsBoolean();
  }
}
