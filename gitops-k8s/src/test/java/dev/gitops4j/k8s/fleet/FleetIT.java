package dev.gitops4j.k8s.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.generate.ApplicationSet;
import dev.gitops4j.generate.Changes;
import dev.gitops4j.generate.DeletionPolicy;
import dev.gitops4j.generate.Rollout;
import dev.gitops4j.generate.RolloutStatus;
import dev.gitops4j.generate.RolloutStatus.StepState;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.KubeApiServers;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine delivering to three real kube-apiservers (each with its own etcd), reached through
 * three contexts of one kubeconfig file. The API servers run no controllers and no kubelet, so the
 * test plays the Deployment controller: it writes each Deployment's status through the status
 * subresource, available on one cluster and ProgressDeadlineExceeded on another, as the controller
 * would once the rollout finished or timed out.
 */
class FleetIT {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> NAMES = List.of("east", "west", "north");
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static final List<KubeAPIServer> servers = new ArrayList<>();

  /** The test's own clients, one per cluster: to look, and to play the controller. */
  private static final Map<String, KubernetesClient> look = new LinkedHashMap<>();

  private static Path kubeconfig;
  private static ClusterRegistry fleet;
  private static ScheduledExecutorService timers;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Testbed.get();
    // Started together: each takes seconds, and they share nothing but the binaries.
    List<CompletableFuture<KubeAPIServer>> starting = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> {
                KubeAPIServer server = new KubeAPIServer(KubeApiServers.offline().build());
                server.start();
                return server;
              }));
    }
    for (CompletableFuture<KubeAPIServer> server : starting) {
      servers.add(server.get(5, TimeUnit.MINUTES));
    }
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, mergedKubeconfig(), StandardCharsets.UTF_8);
    for (int i = 0; i < NAMES.size(); i++) {
      look.put(
          NAMES.get(i),
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(servers.get(i).getKubeConfigYaml()))
              .build());
    }
    fleet = ClusterRegistry.builder().maxConcurrentRequests(4).build();
    Map<String, String> waves = Map.of("east", "1", "west", "2", "north", "3");
    for (String name : NAMES) {
      fleet.add(
          ClusterSpec.fromKubeconfig(
              name, kubeconfig, "ctx-" + name, labels(name, waves.get(name), true)));
    }
    timers = Executors.newScheduledThreadPool(2);
  }

  private static Map<String, String> labels(String name, String wave, boolean team) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("env", "prod");
    labels.put("wave", wave);
    labels.put("region", name);
    if (team) {
      labels.put("team", "shop");
    }
    return labels;
  }

  /** One kubeconfig with a context per API server, ctx-east, ctx-west and ctx-north. */
  private static String mergedKubeconfig() throws IOException {
    ObjectNode merged = YAML.createObjectNode();
    merged.put("apiVersion", "v1").put("kind", "Config");
    ArrayNode clusters = merged.putArray("clusters");
    ArrayNode users = merged.putArray("users");
    ArrayNode contexts = merged.putArray("contexts");
    for (int i = 0; i < NAMES.size(); i++) {
      String name = NAMES.get(i);
      ObjectNode one = (ObjectNode) YAML.readTree(servers.get(i).getKubeConfigYaml());
      ObjectNode cluster = (ObjectNode) one.get("clusters").get(0);
      cluster.put("name", "cluster-" + name);
      clusters.add(cluster);
      ObjectNode user = (ObjectNode) one.get("users").get(0);
      user.put("name", "user-" + name);
      users.add(user);
      ObjectNode context = contexts.addObject().put("name", "ctx-" + name);
      context.putObject("context").put("cluster", "cluster-" + name).put("user", "user-" + name);
    }
    merged.put("current-context", "ctx-east");
    return YAML.writeValueAsString(merged);
  }

  @AfterAll
  static void stop() {
    if (timers != null) {
      timers.shutdownNow();
    }
    if (fleet != null) {
      fleet.close();
    }
    look.values().forEach(KubernetesClient::close);
    servers.forEach(KubeAPIServer::stop);
  }

  private static Engine engine() {
    return Engine.builder()
        .maxConcurrentPasses(4)
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .build();
  }

  private static Map<String, String> shop(String namespace, String image) {
    return Map.of(
        "namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n",
        "deployment.yaml",
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: %s
        spec:
          replicas: 1
          progressDeadlineSeconds: 60
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: %s
        """
            .formatted(namespace, image));
  }

  @Test
  void aClusterGeneratorRollsOutOneClusterAtATimeAndStopsAtADegradedOne() throws Exception {
    String ns = "rollout";
    InMemorySource repo = InMemorySource.create("shop-config", java.time.Clock.systemUTC());
    repo.commit(shop(ns, "shop:1"));
    Map<String, Long> added = new ConcurrentHashMap<>();
    Map<String, Long> statusWritten = new ConcurrentHashMap<>();
    List<Watch> watches = new ArrayList<>();
    for (String name : NAMES) {
      watches.add(watchAdded(name, ns, added));
    }
    try (Engine engine = engine();
        ApplicationSet shopSet =
            ApplicationSet.builder("shop", engine)
                .generator(fleet.generator(ClusterSelector.label("env", "prod")))
                .template(
                    p ->
                        Application.builder("shop-" + p.get("cluster.name"))
                            .source(repo)
                            .target(
                                fleet
                                    .cluster(p.get("cluster.name"))
                                    .target("shop-" + p.get("cluster.name")))
                            .interval(Duration.ofSeconds(2))
                            .build())
                .deletionPolicy(DeletionPolicy.PRUNE)
                .rollout(Rollout.steps(1, "cluster.label.wave"))
                .build()) {
      Changes preview = shopSet.preview();
      assertThat(preview.created()).containsExactly("shop-east", "shop-west", "shop-north");
      assertThat(preview.generated().get("shop-west").get("cluster.label.wave")).isEqualTo("2");
      assertThat(engine.applications()).isEmpty();

      engine.start();
      shopSet.reconcile();
      assertThat(shopSet.applications()).containsExactly("shop-east", "shop-west", "shop-north");

      // Step 1: only east is written; west has looked, and waits for east to be healthy.
      await("the deployment on east", () -> deployment("east", ns) != null);
      await(
          "shop-west waiting for shop-east to be healthy",
          () ->
              status(engine, "shop-west") == PassStatus.WAITING
                  && engine
                      .lastResult("shop-west")
                      .orElseThrow()
                      .error()
                      .startsWith("waits for shop-east: it is PROGRESSING"));
      assertThat(deployment("west", ns)).isNull();
      assertThat(deployment("north", ns)).isNull();

      // The Deployment controller of east reports the rollout done.
      statusWritten.put("east", System.nanoTime());
      writeStatus("east", ns, available());

      // Step 2: west is written only now; north waits for west.
      await("the deployment on west", () -> deployment("west", ns) != null);
      await(
          "shop-north waiting for shop-west",
          () ->
              status(engine, "shop-north") == PassStatus.WAITING
                  && engine
                      .lastResult("shop-north")
                      .orElseThrow()
                      .error()
                      .startsWith("waits for shop-west"));
      assertThat(deployment("north", ns)).isNull();

      // The Deployment controller of west reports that the rollout timed out.
      statusWritten.put("west", System.nanoTime());
      writeStatus("west", ns, progressDeadlineExceeded());
      await(
          "shop-west degraded",
          () ->
              engine
                  .lastResult("shop-west")
                  .map(r -> r.health().status() == HealthStatus.DEGRADED)
                  .orElse(false));

      // The rollout stops: north's own pass waits, and writes nothing.
      PassResult north = engine.trigger("shop-north").get(60, TimeUnit.SECONDS);
      assertThat(north.status()).isEqualTo(PassStatus.WAITING);
      assertThat(north.error()).startsWith("waits for shop-west: it is DEGRADED");
      assertThat(north.writes()).isZero();
      assertThat(deployment("north", ns)).isNull();
      RolloutStatus rollout = shopSet.rollout();
      assertThat(rollout.steps())
          .extracting(RolloutStatus.Step::state)
          .containsExactly(StepState.DONE, StepState.STOPPED, StepState.PENDING);
      assertThat(rollout.reason()).startsWith("shop-west: DEGRADED").contains("progress deadline");

      // Order of what each API server saw: east's Deployment, east's controller, west's
      // Deployment, west's controller; nothing on north.
      assertThat(added.get("east")).isLessThan(statusWritten.get("east"));
      assertThat(statusWritten.get("east")).isLessThan(added.get("west"));
      assertThat(added.get("west")).isLessThan(statusWritten.get("west"));
      assertThat(added).doesNotContainKey("north");

      // West recovers (a fixed image, say): the rollout goes on to north by itself.
      writeStatus("west", ns, available());
      await("the deployment on north", () -> deployment("north", ns) != null);
      writeStatus("north", ns, available());
      await("the rollout done", () -> shopSet.rollout().done());

      for (String name : NAMES) {
        FleetCluster cluster = fleet.cluster(name);
        assertThat(cluster.peakConcurrentRequests()).isBetween(1, cluster.maxConcurrentRequests());
      }
    } finally {
      watches.forEach(Watch::close);
    }
  }

  @Test
  void removingAClusterLabelRemovesItsApplicationsByTheirDeletionPolicy() throws Exception {
    // The namespace is the test's: without a namespace controller (no kube-controller-manager
    // here) a deleted namespace stays Terminating for ever, and the label put back could not
    // bring the application back into it.
    for (String name : NAMES) {
      look.get(name)
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("team")
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    InMemorySource repo = InMemorySource.create("config", java.time.Clock.systemUTC());
    repo.commit(
        Map.of(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\n"
                + "data:\n  greeting: hello\n"));
    InMemorySource keptRepo = InMemorySource.create("kept", java.time.Clock.systemUTC());
    keptRepo.commit(
        Map.of(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  namespace: default\n"
                + "data:\n  greeting: hello\n"));
    ClusterSelector team = ClusterSelector.label("team", "shop");
    try (Engine engine = engine();
        ApplicationSet pruned =
            ApplicationSet.builder("team", engine)
                .generator(fleet.generator(team))
                .template(p -> app("team-" + p.get("cluster.name"), repo, p.get("cluster.name")))
                .deletionPolicy(DeletionPolicy.PRUNE)
                .build();
        ApplicationSet orphaned =
            ApplicationSet.builder("kept", engine)
                .generator(fleet.generator(team))
                .template(
                    p -> app("kept-" + p.get("cluster.name"), keptRepo, p.get("cluster.name")))
                .deletionPolicy(DeletionPolicy.ORPHAN)
                .build()) {
      engine.start();
      // Evaluated on the registry's changes only, not on the (long) interval.
      pruned.start(timers, Duration.ofHours(1));
      orphaned.start(timers, Duration.ofHours(1));
      for (String name : NAMES) {
        await("settings on " + name, () -> configMap(name, "team", "settings") != null);
        await("kept on " + name, () -> configMap(name, "default", "kept") != null);
      }

      fleet.relabel("north", labels("north", "3", false));

      await(
          "team-north and kept-north unregistered",
          () ->
              !engine.applications().contains("team-north")
                  && !engine.applications().contains("kept-north"));
      assertThat(configMap("north", "team", "settings")).isNull();
      assertThat(configMap("north", "default", "kept")).isNotNull();
      assertThat(pruned.deleting()).isEmpty();
      for (String name : List.of("east", "west")) {
        assertThat(configMap(name, "team", "settings")).isNotNull();
        assertThat(configMap(name, "default", "kept")).isNotNull();
      }
      assertThat(pruned.applications()).containsExactly("team-east", "team-west");
      assertThat(orphaned.applications()).containsExactly("kept-east", "kept-west");

      // The label back: the applications come back.
      fleet.relabel("north", labels("north", "3", true));
      await("settings on north again", () -> configMap("north", "team", "settings") != null);
      assertThat(engine.applications()).contains("team-north", "kept-north");
    } finally {
      fleet.relabel("north", labels("north", "3", true));
    }
  }

  @Test
  void eachClusterReportsItsHealthAndAnUnreachableOneSaysWhy() throws Exception {
    Map<String, ClusterHealth> health = fleet.checkHealth();
    assertThat(health.keySet()).containsExactlyElementsOf(NAMES);
    for (String name : NAMES) {
      assertThat(health.get(name).state()).isEqualTo(ClusterHealth.State.REACHABLE);
      assertThat(health.get(name).version()).isEqualTo("v" + Testbed.get().kubernetesVersion());
      assertThat(fleet.cluster(name).health()).isEqualTo(health.get(name));
    }
    Config nowhere =
        new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty())
            .withMasterUrl("https://127.0.0.1:1")
            .withRequestRetryBackoffLimit(0)
            .build();
    ClusterRegistry other = ClusterRegistry.builder().probeTimeout(Duration.ofSeconds(20)).build();
    try (other) {
      other.add(ClusterSpec.of("gone", nowhere, Map.of()));
      ClusterHealth gone = other.checkHealth().get("gone");
      assertThat(gone.state()).isEqualTo(ClusterHealth.State.UNREACHABLE);
      assertThat(gone.lastError()).isNotBlank();
    }
  }

  private static Application app(String name, InMemorySource repo, String cluster) {
    return Application.builder(name)
        .source(repo)
        .target(fleet.cluster(cluster).target(name))
        .interval(Duration.ofSeconds(2))
        .build();
  }

  private static PassStatus status(Engine engine, String app) {
    return engine.lastResult(app).map(PassResult::status).orElse(null);
  }

  private static Deployment deployment(String cluster, String ns) {
    return look.get(cluster).apps().deployments().inNamespace(ns).withName("web").get();
  }

  private static ConfigMap configMap(String cluster, String ns, String name) {
    return look.get(cluster).configMaps().inNamespace(ns).withName(name).get();
  }

  private static Watch watchAdded(String cluster, String ns, Map<String, Long> added) {
    return look.get(cluster)
        .apps()
        .deployments()
        .inNamespace(ns)
        .watch(
            new Watcher<Deployment>() {
              @Override
              public void eventReceived(Action action, Deployment resource) {
                if (action == Action.ADDED) {
                  added.putIfAbsent(cluster, System.nanoTime());
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  private static DeploymentStatusBuilder observed(Deployment d) {
    return new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration());
  }

  private static java.util.function.Function<Deployment, DeploymentStatus> available() {
    return d ->
        observed(d)
            .withReplicas(1)
            .withUpdatedReplicas(1)
            .withReadyReplicas(1)
            .withAvailableReplicas(1)
            .addNewCondition()
            .withType("Available")
            .withStatus("True")
            .withReason("MinimumReplicasAvailable")
            .endCondition()
            .addNewCondition()
            .withType("Progressing")
            .withStatus("True")
            .withReason("NewReplicaSetAvailable")
            .endCondition()
            .build();
  }

  private static java.util.function.Function<Deployment, DeploymentStatus>
      progressDeadlineExceeded() {
    return d ->
        observed(d)
            .withReplicas(1)
            .withUpdatedReplicas(1)
            .withUnavailableReplicas(1)
            .addNewCondition()
            .withType("Progressing")
            .withStatus("False")
            .withReason("ProgressDeadlineExceeded")
            .withMessage("ReplicaSet \"web-1\" has timed out progressing.")
            .endCondition()
            .build();
  }

  /** Writes the Deployment's status through the status subresource, as its controller would. */
  private static void writeStatus(
      String cluster, String ns, java.util.function.Function<Deployment, DeploymentStatus> status) {
    Deployment current = deployment(cluster, ns);
    current.setStatus(status.apply(current));
    look.get(cluster).apps().deployments().inNamespace(ns).resource(current).updateStatus();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Object lock = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      synchronized (lock) {
        lock.wait(100);
      }
    }
  }
}
