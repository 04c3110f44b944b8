package dev.gitops4j.examples.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.KubeApiServers;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example against the testbed's real kube-apiserver, reached only through a kubeconfig
 * file, as a user would run it. The API server runs no controllers, so the Deployment stays
 * progressing and the example has to say so.
 */
class KubernetesAppIT {

  private static KubeAPIServer server;
  private static KubernetesClient client;

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
  void reconcilesTheStorefrontThroughAKubeconfigFile(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig.yaml");
    Files.writeString(kubeconfig, server.getKubeConfigYaml());
    String context =
        Config.fromKubeconfig(server.getKubeConfigYaml()).getCurrentContext().getName();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    try {
      // The same arguments a user passes with -Dexec.args="...".
      KubernetesAppOptions options =
          KubernetesAppOptions.parse(
              "--kubeconfig",
              kubeconfig.toString(),
              "--context",
              context,
              "--health-timeout",
              "3",
              "--work",
              dir.resolve("work").toString());
      new KubernetesApp(options, new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
    } finally {
      // What a user would have seen, kept for reading.
      Files.writeString(
          Path.of("target", "kubernetes-app-story.txt"), buffer.toString(StandardCharsets.UTF_8));
    }
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .contains("context " + context + " of " + kubeconfig)
        .contains("5 to create, 0 to update, 0 to delete")
        .contains("create Namespace storefront -> applied")
        .contains("create apps/Deployment storefront/web -> applied")
        .contains("health after the pass: progressing — apps/Deployment storefront/web")
        .contains("not available after 3 s: progressing")
        .contains("drift: modified apps/Deployment storefront/web [replace /spec/replicas]")
        .contains("took fields back from hand-edit")
        .contains("healed: web has 2 replicas again (pass started by target_event)")
        .contains("update ConfigMap storefront/storefront-page -> applied")
        .contains("update apps/Deployment storefront/web -> applied")
        .contains("web runs image nginx:1.28-alpine")
        .contains("delete ConfigMap storefront/winter-sale -> applied")
        .doesNotContain("asking for a pass");

    // The cluster holds what Git says, owned by the application.
    Deployment web = client.apps().deployments().inNamespace("storefront").withName("web").get();
    assertThat(web.getSpec().getReplicas()).isEqualTo(2);
    assertThat(web.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("nginx:1.28-alpine");
    assertThat(web.getMetadata().getLabels())
        .containsEntry("gitops4j.dev/application", "storefront");
    ConfigMap page =
        client.configMaps().inNamespace("storefront").withName("storefront-page").get();
    assertThat(page.getData().get("index.html")).contains("Release 1.1");
    assertThat(client.services().inNamespace("storefront").withName("web").get()).isNotNull();
    assertThat(client.configMaps().inNamespace("storefront").withName("winter-sale").get())
        .isNull();
    // The inventory ConfigMap in gitops4j-system, read as the engine reads it.
    var inventory =
        KubernetesTarget.builder(client).build().inventoryStore().load("storefront").resources();
    assertThat(inventory).contains(ResourceId.of("ConfigMap", "storefront", "storefront-page"));
    assertThat(inventory).doesNotContain(ResourceId.of("ConfigMap", "storefront", "winter-sale"));
    // The desired state is a real Git repository with the story's three commits.
    assertThat(dir.resolve("work/repo/.git")).isDirectory();
    assertThat(dir.resolve("work/repo/storefront/promo.yaml")).doesNotExist();
  }

  @Test
  void reconcilesYourOwnRepositoryOnce(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig.yaml");
    Files.writeString(kubeconfig, server.getKubeConfigYaml());
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("yours"))) {
      repo.commit(
          "My app",
          Map.of(
              "deploy/settings.yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-settings\n"
                  + "data:\n  colour: teal\n",
              "README.md",
              "not a manifest, and outside --path\n"));
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();

      new KubernetesApp(
              KubernetesAppOptions.parse(
                  "--kubeconfig", kubeconfig.toString(),
                  "--repo", repo.uri(),
                  "--path", "deploy",
                  "--work", dir.resolve("work").toString()),
              new PrintStream(buffer, true, StandardCharsets.UTF_8))
          .run();

      assertThat(buffer.toString(StandardCharsets.UTF_8))
          .contains("1 to create, 0 to update, 0 to delete")
          .contains("create ConfigMap default/my-settings -> applied")
          .contains("application health: healthy");
      ConfigMap settings = client.configMaps().inNamespace("default").withName("my-settings").get();
      assertThat(settings.getData()).containsEntry("colour", "teal");
      assertThat(settings.getMetadata().getLabels())
          .containsEntry("gitops4j.dev/application", "my-app");
    }
  }
}
