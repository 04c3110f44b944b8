package dev.gitops4j.test.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.KubeApiServers;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The testbed's kube-apiserver and etcd: server-side apply, dry run, CRDs. */
class KubeApiServerIT {

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

  private static PatchContext apply(String manager, boolean dryRun) {
    PatchContext.Builder context =
        new PatchContext.Builder()
            .withPatchType(PatchType.SERVER_SIDE_APPLY)
            .withFieldManager(manager)
            .withForce(true);
    if (dryRun) {
      context.withDryRun(java.util.List.of("All"));
    }
    return context.build();
  }

  @Test
  void serverSideApplyRecordsTheFieldManager() {
    ConfigMap desired =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("smoke")
            .withNamespace("default")
            .endMetadata()
            .withData(Map.of("color", "blue"))
            .build();

    ConfigMap applied =
        client
            .configMaps()
            .inNamespace("default")
            .withName("smoke")
            .patch(apply("gitops4j-smoke", false), desired);

    assertThat(applied.getData()).containsEntry("color", "blue");
    assertThat(applied.getMetadata().getManagedFields())
        .anySatisfy(
            f -> {
              assertThat(f.getManager()).isEqualTo("gitops4j-smoke");
              assertThat(f.getOperation()).isEqualTo("Apply");
            });
  }

  @Test
  void dryRunApplyChangesNothing() {
    ConfigMap original =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("dry")
            .withNamespace("default")
            .endMetadata()
            .withData(Map.of("color", "blue"))
            .build();
    ConfigMap stored =
        client
            .configMaps()
            .inNamespace("default")
            .withName("dry")
            .patch(apply("gitops4j-smoke", false), original);

    ConfigMap changed = new ConfigMapBuilder(original).withData(Map.of("color", "red")).build();
    ConfigMap preview =
        client
            .configMaps()
            .inNamespace("default")
            .withName("dry")
            .patch(apply("gitops4j-smoke", true), changed);

    assertThat(preview.getData()).containsEntry("color", "red");
    ConfigMap after = client.configMaps().inNamespace("default").withName("dry").get();
    assertThat(after.getData()).containsEntry("color", "blue");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(stored.getMetadata().getResourceVersion());
  }

  @Test
  void customResourceDefinitionAndCustomResource() {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("widgets.smoke.gitops4j.dev")
            .endMetadata()
            .withNewSpec()
            .withGroup("smoke.gitops4j.dev")
            .withScope("Namespaced")
            .withNewNames()
            .withKind("Widget")
            .withPlural("widgets")
            .withSingular("widget")
            .endNames()
            .addNewVersion()
            .withName("v1")
            .withServed(true)
            .withStorage(true)
            .withNewSchema()
            .withNewOpenAPIV3Schema()
            .withType("object")
            .addToProperties(
                "spec",
                new io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder()
                    .withType("object")
                    .withXKubernetesPreserveUnknownFields(true)
                    .build())
            .endOpenAPIV3Schema()
            .endSchema()
            .endVersion()
            .endSpec()
            .build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            cond ->
                                cond.getType().equals("Established")
                                    && cond.getStatus().equals("True")),
            60,
            TimeUnit.SECONDS);

    ResourceDefinitionContext widgets =
        new ResourceDefinitionContext.Builder()
            .withGroup("smoke.gitops4j.dev")
            .withVersion("v1")
            .withKind("Widget")
            .withPlural("widgets")
            .withNamespaced(true)
            .build();
    GenericKubernetesResource widget =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("smoke.gitops4j.dev/v1")
            .withKind("Widget")
            .withNewMetadata()
            .withName("w1")
            .withNamespace("default")
            .endMetadata()
            .addToAdditionalProperties("spec", Map.of("size", 3))
            .build();
    client
        .genericKubernetesResources(widgets)
        .inNamespace("default")
        .resource(widget)
        .serverSideApply();

    GenericKubernetesResource read =
        client.genericKubernetesResources(widgets).inNamespace("default").withName("w1").get();
    assertThat(read).isNotNull();
    assertThat(read.get("spec", "size").toString()).isEqualTo("3");
  }
}
