package dev.gitops4j.k8s.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.KubeApiServers;
import dev.gitops4j.test.ManualClock;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health transitions against the real kube-apiserver. It runs no controllers, so the test plays the
 * controller: it writes each object's status through the status subresource, exactly as the
 * Deployment, Job or operator controller would, and reads the object back from the server.
 */
class HealthIT {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "health-it";
  private static final HealthCheck CHECKS =
      KubernetesHealthChecks.composite(KubernetesHealthChecks.all());

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
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
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
  void deploymentRollout() {
    create(
        "apps/v1",
        "Deployment",
        """
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: app, image: "registry.example/web:1"}]}
        """);
    // Nobody has looked at it yet: the controller has not observed generation 1.
    assertHealth("apps/v1", "Deployment", "web", HealthStatus.PROGRESSING, "observe generation 1");

    writeStatus(
        "apps/v1",
        "Deployment",
        "web",
        "{observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 1,"
            + " availableReplicas: 1}");
    assertHealth(
        "apps/v1", "Deployment", "web", HealthStatus.PROGRESSING, "1/3 replicas available");

    writeStatus(
        "apps/v1",
        "Deployment",
        "web",
        "{observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3,"
            + " availableReplicas: 3, conditions: [{type: Progressing, status: 'True',"
            + " reason: NewReplicaSetAvailable}]}");
    assertHealth("apps/v1", "Deployment", "web", HealthStatus.HEALTHY, "3/3 replicas available");

    // A new image bumps the generation: progressing again until the controller catches up.
    resource("apps/v1", "Deployment", "web")
        .edit(
            d -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> spec =
                  (Map<String, Object>) d.getAdditionalProperties().get("spec");
              spec.put("minReadySeconds", 5);
              return d;
            });
    assertHealth("apps/v1", "Deployment", "web", HealthStatus.PROGRESSING, "observe generation 2");

    writeStatus(
        "apps/v1",
        "Deployment",
        "web",
        "{observedGeneration: 2, replicas: 4, updatedReplicas: 1, readyReplicas: 3,"
            + " availableReplicas: 3,"
            + " conditions: [{type: Progressing, status: 'False', reason: ProgressDeadlineExceeded,"
            + " message: 'ReplicaSet \"web-2\" has timed out progressing.'}]}");
    assertHealth(
        "apps/v1", "Deployment", "web", HealthStatus.DEGRADED, "exceeded its progress deadline");
  }

  @Test
  void jobRunsThenFails() {
    create(
        "batch/v1",
        "Job",
        """
        metadata: {name: migrate}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers: [{name: migrate, image: "registry.example/migrate:1"}]
        """);
    assertHealth("batch/v1", "Job", "migrate", HealthStatus.PROGRESSING, "0 active");

    writeStatus(
        "batch/v1",
        "Job",
        "migrate",
        "{startTime: '2025-01-01T00:00:00Z', active: 1, ready: 0, terminating: 0}");
    assertHealth("batch/v1", "Job", "migrate", HealthStatus.PROGRESSING, "1 active");

    writeStatus(
        "batch/v1",
        "Job",
        "migrate",
        "{startTime: '2025-01-01T00:00:00Z', active: 0, failed: 1, ready: 0, terminating: 0,"
            + " conditions: ["
            + "{type: FailureTarget, status: 'True', reason: BackoffLimitExceeded,"
            + " message: Job has reached the specified backoff limit,"
            + " lastTransitionTime: '2025-01-01T00:01:00Z'},"
            + "{type: Failed, status: 'True', reason: BackoffLimitExceeded,"
            + " message: Job has reached the specified backoff limit,"
            + " lastTransitionTime: '2025-01-01T00:01:00Z'}]}");
    assertHealth("batch/v1", "Job", "migrate", HealthStatus.DEGRADED, "BackoffLimitExceeded");
  }

  @Test
  void customResourceWithStatusSubresource() {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            client
                .getKubernetesSerialization()
                .unmarshal(
                    """
                    apiVersion: apiextensions.k8s.io/v1
                    kind: CustomResourceDefinition
                    metadata: {name: databases.health.gitops4j.dev}
                    spec:
                      group: health.gitops4j.dev
                      scope: Namespaced
                      names: {kind: Database, plural: databases, singular: database}
                      versions:
                      - name: v1
                        served: true
                        storage: true
                        subresources: {status: {}}
                        schema:
                          openAPIV3Schema:
                            type: object
                            properties:
                              spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
                              status: {type: object, x-kubernetes-preserve-unknown-fields: true}
                    """,
                    io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition
                        .class))
        .serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("databases.health.gitops4j.dev")
        .waitUntilCondition(
            crd ->
                crd != null
                    && CHECKS
                        .assess(live(crd, "CustomResourceDefinition"))
                        .map(h -> h.status() == HealthStatus.HEALTHY)
                        .orElse(false),
            60,
            TimeUnit.SECONDS);

    String v1 = "health.gitops4j.dev/v1";
    create(v1, "Database", "metadata: {name: orders}\nspec: {size: 1}");
    // No status yet: the generic check has nothing to read, so it does not answer.
    assertThat(CHECKS.assess(read(v1, "Database", "orders"))).isEmpty();

    writeStatus(
        v1,
        "Database",
        "orders",
        "{observedGeneration: 1, conditions: [{type: Ready, status: 'False', reason: Provisioning,"
            + " message: creating volume}]}");
    assertHealth(v1, "Database", "orders", HealthStatus.PROGRESSING, "creating volume");

    writeStatus(
        v1,
        "Database",
        "orders",
        "{observedGeneration: 1, conditions: [{type: Ready, status: 'True', reason: Available}]}");
    assertHealth(v1, "Database", "orders", HealthStatus.HEALTHY, "Available");

    // The status subresource keeps spec edits from touching status and bumps the generation.
    resource(v1, "Database", "orders")
        .edit(
            d -> {
              d.getAdditionalProperties().put("spec", Map.of("size", 2));
              return d;
            });
    assertHealth(v1, "Database", "orders", HealthStatus.PROGRESSING, "waiting for generation 2");

    writeStatus(
        v1,
        "Database",
        "orders",
        "{observedGeneration: 2, conditions: [{type: Ready, status: 'False', reason: ResizeFailed,"
            + " message: volume cannot shrink}]}");
    assertHealth(v1, "Database", "orders", HealthStatus.DEGRADED, "volume cannot shrink");

    writeStatus(
        v1,
        "Database",
        "orders",
        "{observedGeneration: 2, conditions: [{type: Ready, status: 'True', reason: Available}]}");
    assertHealth(v1, "Database", "orders", HealthStatus.HEALTHY, "Available");
  }

  @Test
  void waiterFollowsStatusWrittenBetweenPolls() throws InterruptedException {
    create(
        "apps/v1",
        "Deployment",
        """
        metadata: {name: api}
        spec:
          replicas: 2
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: app, image: "registry.example/api:1"}]}
        """);
    ResourceId api = ResourceId.of("apps/Deployment", NS, "api");
    ResourceId absent = ResourceId.of("apps/Deployment", NS, "never-created");
    ManualClock clock = ManualClock.create();
    AtomicInteger pauses = new AtomicInteger();
    HealthWaiter waiter =
        HealthWaiter.custom()
            .clock(clock)
            .timeout(Duration.ofSeconds(30))
            .pollInterval(Duration.ofSeconds(5))
            .sleeper(
                d -> {
                  // The "controller" acts between polls.
                  int n = pauses.incrementAndGet();
                  writeStatus(
                      "apps/v1",
                      "Deployment",
                      "api",
                      "{observedGeneration: 1, replicas: 2, updatedReplicas: 2,"
                          + " readyReplicas: "
                          + Math.min(n, 2)
                          + ", availableReplicas: "
                          + Math.min(n, 2)
                          + "}");
                  clock.advance(d);
                })
            .build();

    HealthWaiter.Result done =
        waiter.await(Set.of(api), id -> Optional.of(read("apps/v1", "Deployment", id.name())));
    assertThat(done.healthy()).as(done.describe()).isTrue();
    assertThat(done.polls()).isEqualTo(3);
    assertThat(done.resources().get(api).message()).isEqualTo("2/2 replicas available");

    HealthWaiter.Result missing =
        waiter.await(
            Set.of(api, absent),
            id ->
                Optional.ofNullable(resource("apps/v1", "Deployment", id.name()).get())
                    .map(r -> live(r, "Deployment")));
    assertThat(missing.timedOut()).isTrue();
    assertThat(missing.health().status()).isEqualTo(HealthStatus.MISSING);
    assertThat(missing.worst()).contains(absent);
  }

  // --- helpers ---------------------------------------------------------------------------

  private static Resource<GenericKubernetesResource> resource(
      String apiVersion, String kind, String name) {
    NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> ops =
        client.genericKubernetesResources(apiVersion, kind).inNamespace(NS);
    return ops.withName(name);
  }

  private static void create(String apiVersion, String kind, String yaml) {
    GenericKubernetesResource object =
        client
            .getKubernetesSerialization()
            .unmarshal(
                "apiVersion: " + apiVersion + "\nkind: " + kind + "\n" + yaml,
                GenericKubernetesResource.class);
    object.getMetadata().setNamespace(NS);
    client.genericKubernetesResources(apiVersion, kind).inNamespace(NS).resource(object).create();
  }

  /** Replaces the status through the status subresource, as a controller does. */
  private static void writeStatus(String apiVersion, String kind, String name, String statusYaml) {
    GenericKubernetesResource current = resource(apiVersion, kind, name).get();
    try {
      current.setAdditionalProperty("status", YAML.readValue(statusYaml, Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client
        .genericKubernetesResources(apiVersion, kind)
        .inNamespace(NS)
        .resource(current)
        .updateStatus();
  }

  private static LiveResource read(String apiVersion, String kind, String name) {
    GenericKubernetesResource object = resource(apiVersion, kind, name).get();
    assertThat(object).as(kind + " " + name).isNotNull();
    return live(object, kind);
  }

  private static LiveResource live(Object object, String kind) {
    try {
      JsonNode body = JSON.readTree(client.getKubernetesSerialization().asJson(object));
      String apiVersion = body.path("apiVersion").asText();
      String group =
          apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      ResourceId id =
          ResourceId.of(
              group.isEmpty() ? kind : group + "/" + kind,
              body.path("metadata").path("namespace").asText(null),
              body.path("metadata").path("name").asText());
      return new LiveResource(
          id, body, body.path("metadata").path("resourceVersion").asText(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertHealth(
      String apiVersion, String kind, String name, HealthStatus status, String message) {
    Optional<Health> health = CHECKS.assess(read(apiVersion, kind, name));
    assertThat(health).as(kind + " " + name).isPresent();
    assertThat(health.get().status())
        .as(kind + " " + name + ": " + health.get().message())
        .isEqualTo(status);
    assertThat(health.get().message()).contains(message);
  }
}
