package dev.gitops4j.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the example as a user would, with its own application.yaml and only the values it reads
 * from the environment given as arguments, against the testbed's real kube-apiserver.
 */
class ShopServiceIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void keepsTheShopNamespaceInLineWithGit(@TempDir Path dir) throws Exception {
    KubeAPIServer server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
                .build();
        GitRepoFixture repo = GitRepoFixture.create(dir.resolve("shop-config"))) {
      Path kubeconfig = dir.resolve("kubeconfig.yaml");
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
      String revision =
          repo.commit(
              "storefront page",
              Map.of(
                  "deploy/page.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: storefront-page\n"
                      + "data:\n  index.html: <h1>Shop</h1>\n"));

      try (ConfigurableApplicationContext context =
          SpringApplication.run(
              ShopService.class,
              "--SHOP_PORT=0",
              "--SHOP_KUBECONFIG=" + kubeconfig,
              "--SHOP_REPO=" + repo.uri(),
              "--SHOP_STATE=" + dir.resolve("state"),
              "--SHOP_OPS_TOKEN=ops-token-0123456789abcdef")) {
        String base =
            "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();

        JsonNode shop = await(base + "/actuator/gitops4j/shop", "status", "SYNCED|IN_SYNC");
        assertThat(shop.path("revision").asText()).isEqualTo(revision);
        // default-namespace: shop, created because create-namespaces is on.
        assertThat(
                client.configMaps().inNamespace("shop").withName("storefront-page").get().getData())
            .containsEntry("index.html", "<h1>Shop</h1>");
        assertThat(
                get(base + "/actuator/health")
                    .path("components")
                    .path("gitops4j")
                    .path("status")
                    .asText())
            .isEqualTo("UP");
        assertThat(
                get(base + "/actuator/metrics/gitops4j.passes")
                    .path("measurements")
                    .path(0)
                    .path("value")
                    .asDouble())
            .isGreaterThanOrEqualTo(1.0);
        assertThat(get(base + "/gitops/api/applications").toString()).contains(revision);
        assertThat(
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/gitops/")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .contains("shop");
      }
      assertThat(Files.readString(dir.resolve("state/history.jsonl"))).contains(revision);
    } finally {
      server.stop();
    }
  }

  private JsonNode await(String url, String field, String value) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    JsonNode node = null;
    while (Instant.now().isBefore(deadline)) {
      node = get(url);
      if (node.path(field).asText().matches(value)) {
        return node;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(url + " never had " + field + "=" + value + ": " + node);
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
