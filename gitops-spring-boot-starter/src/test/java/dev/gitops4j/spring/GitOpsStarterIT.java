package dev.gitops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.k8s.ha.LeaderElection;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.KubeApiServers;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
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

/**
 * A real Spring Boot web application with the starter, the actuator and gitops-web, syncing a Git
 * repository into the testbed's real kube-apiserver, reached through a kubeconfig file.
 */
class GitOpsStarterIT {

  private static final String TOKEN = "ops-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KubeAPIServer server;
  private static KubernetesClient client;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() {
    server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void syncsTheRepositoryAndShowsItThroughActuatorAndDashboard(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig.yaml");
    Files.writeString(kubeconfig, server.getKubeConfigYaml());
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      String revision =
          repo.commit(
              "shop settings",
              Map.of(
                  "deploy/namespace.yaml",
                  "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
                  "deploy/settings.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                      + "  namespace: shop\ndata:\n  colour: teal\n"));

      Engine engine;
      LeaderElection election;
      try (ConfigurableApplicationContext context =
          new SpringApplicationBuilder(App.class)
              .properties(
                  "server.port=0",
                  "server.address=127.0.0.1",
                  "management.endpoints.web.exposure.include=health,gitops4j",
                  "management.endpoint.health.show-details=always",
                  "gitops4j.kubernetes.test.kubeconfig=" + kubeconfig,
                  "gitops4j.applications.shop.source.url=" + repo.uri(),
                  "gitops4j.applications.shop.source.path=deploy",
                  "gitops4j.applications.shop.interval=1h",
                  "gitops4j.history.file=" + dir.resolve("history.jsonl"),
                  "gitops4j.state.directory=" + dir.resolve("state"),
                  "gitops4j.endpoint.sync-enabled=true",
                  "gitops4j.dashboard.read-only=false",
                  "gitops4j.dashboard.tokens[0].name=alice",
                  "gitops4j.dashboard.tokens[0].token-env=GITOPS_ALICE_TOKEN",
                  "gitops4j.dashboard.tokens[0].actions=sync",
                  "GITOPS_ALICE_TOKEN=" + TOKEN,
                  "gitops4j.leader-election.enabled=true",
                  "gitops4j.leader-election.identity=replica-a")
              .run()) {
        engine = context.getBean(Engine.class);
        election = context.getBean(LeaderElection.class);
        assertThat(context.getBean(Fence.class)).isSameAs(election);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        String base = "http://127.0.0.1:" + port;

        // The engine started with the context: once this replica leads, its first pass brings
        // the repository in.
        JsonNode shop = awaitStatus(base, "SYNCED", "IN_SYNC");
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
        assertThat(shop.path("revision").asText()).isEqualTo(revision);
        ConfigMap settings = client.configMaps().inNamespace("shop").withName("settings").get();
        assertThat(settings.getData()).containsEntry("colour", "teal");
        assertThat(settings.getMetadata().getLabels())
            .containsEntry("gitops4j.dev/application", "shop");

        JsonNode health = get(base + "/actuator/health/gitops4j");
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("shop").path("details").path("revision").asText())
            .isEqualTo(revision);

        // The dashboard's API, mounted in the same servlet container.
        JsonNode apps = get(base + "/gitops/api/applications");
        assertThat(apps.toString()).contains("\"shop\"").contains(revision);
        HttpResponse<String> refused =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/gitops/api/applications/shop/sync"))
                    .header("Authorization", "Bearer not-a-known-token-at-all")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        HttpResponse<String> accepted =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/gitops/api/applications/shop/sync"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"principal\":\"alice\"");

        // A new commit, brought in by the endpoint's write operation.
        String next =
            repo.commit(
                "teal to amber",
                Map.of(
                    "deploy/settings.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                        + "  namespace: shop\ndata:\n  colour: amber\n"));
        HttpResponse<String> sync =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/gitops4j/shop"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
        awaitRevision(base, next);
        assertThat(client.configMaps().inNamespace("shop").withName("settings").get().getData())
            .containsEntry("colour", "amber");
        assertThat(Files.readString(dir.resolve("history.jsonl")))
            .contains(next)
            .contains("\"author\":\"alice\"");
      }
      // Closed with the context: the replica left the election and released the Lease (fabric8
      // shortens it to one second, so another replica takes it at once); the engine takes no
      // more passes.
      assertThat(election.isLeader()).isFalse();
      assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(1);
      assertThat(engine.trigger("shop"))
          .failsWithin(10, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .withMessageContaining("engine is closed");
    }
  }

  private static Lease lease() {
    return client.leases().inNamespace("default").withName("gitops4j-leader").get();
  }

  private JsonNode awaitStatus(String base, String... statuses) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    JsonNode shop = null;
    while (Instant.now().isBefore(deadline)) {
      shop = get(base + "/actuator/gitops4j/shop");
      for (String status : statuses) {
        if (status.equals(shop.path("status").asText())) {
          return shop;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("shop did not reach " + String.join("/", statuses) + ": " + shop);
  }

  private void awaitRevision(String base, String revision) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    JsonNode shop = null;
    while (Instant.now().isBefore(deadline)) {
      shop = get(base + "/actuator/gitops4j/shop");
      // SYNCED, or IN_SYNC when the dashboard's pass already brought the commit in.
      if (revision.equals(shop.path("revision").asText())
          && shop.path("status").asText().matches("SYNCED|IN_SYNC")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("shop did not sync " + revision + ": " + shop);
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
