package dev.gitops4j.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.KubeApiServers;
import io.fabric8.kubeapitest.KubeAPIServer;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter's jar, compiled against Spring Boot 3.5, in a Spring Boot 4 web application: the
 * engine is built from the properties, syncs a Git repository into the real kube-apiserver, and the
 * gitops4j endpoint and the dashboard answer; the engine closes with the context.
 */
class Boot4StarterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @Test
  void startsOnSpringBoot4(@TempDir Path dir) throws Exception {
    assertThat(SpringBootVersion.getVersion()).startsWith("4.");
    KubeAPIServer server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
                .build();
        GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      Path kubeconfig = dir.resolve("kubeconfig.yaml");
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
      String revision =
          repo.commit(
              "settings",
              Map.of(
                  "deploy/settings.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                      + "data:\n  colour: teal\n"));
      Engine engine;
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
                  "gitops4j.applications.shop.interval=1h")
              .run()) {
        engine = context.getBean(Engine.class);
        String base =
            "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");

        JsonNode shop = null;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
          shop = get(base + "/actuator/gitops4j/shop");
          if (shop.path("status").asText().matches("SYNCED|IN_SYNC")) {
            break;
          }
          Thread.sleep(200);
        }
        assertThat(shop.path("status").asText()).as(shop.toString()).matches("SYNCED|IN_SYNC");
        assertThat(shop.path("revision").asText()).isEqualTo(revision);
        assertThat(client.configMaps().inNamespace("default").withName("settings").get().getData())
            .containsEntry("colour", "teal");
        assertThat(get(base + "/gitops/api/applications").toString()).contains(revision);
        JsonNode health = get(base + "/actuator/health/gitops4j/shop");
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("revision").asText()).isEqualTo(revision);
      }
      assertThat(engine.trigger("shop"))
          .failsWithin(10, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .withMessageContaining("engine is closed");
    } finally {
      server.stop();
    }
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
