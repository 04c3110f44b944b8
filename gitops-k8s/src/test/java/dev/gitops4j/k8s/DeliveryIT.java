package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncWindow;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.terraform.TerraformTarget;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery rules on the real kube-apiserver: sync windows, {@code dependsOn} between Kubernetes
 * applications gated on the dependency's health, and a Terraform application (real OpenTofu) whose
 * output a dependent Kubernetes application renders. No controllers run here: the test writes a
 * Deployment's status as its controller would.
 */
class DeliveryIT {

  static TestCluster cluster;
  static KubernetesClient client;

  private final ManualClock clock = ManualClock.create(); // 2030-01-01T00:00Z, a Tuesday
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final List<PassResult> results = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.get();
    client = cluster.client();
    for (String namespace : List.of("window", "edge", "shop", "tf-app")) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
    }
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @AfterEach
  void close() throws Exception {
    Collections.reverse(closing);
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static KubernetesTarget k8s() {
    return KubernetesTarget.builder(client).inventoryNamespace("gitops4j-system").build();
  }

  private Engine engine(Application... applications) {
    Engine.Builder builder =
        DeterministicEngine.builder(clock, timers)
            .history(new InMemoryHistoryStore())
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    results.add(result);
                  }
                });
    for (Application application : applications) {
      builder.application(application);
    }
    Engine engine = builder.build();
    closing.add(engine);
    return engine;
  }

  /** An application passed on request (its interval is an hour), automatic by default. */
  private static Application.Builder app(
      String name, InMemorySource source, Target target, String... dependsOn) {
    return Application.builder(name)
        .source(source)
        .target(target)
        .dependsOn(dependsOn)
        .interval(Duration.ofHours(1));
  }

  private static PassResult pass(Engine engine, String application) throws Exception {
    return engine.trigger(application).get(5, TimeUnit.MINUTES);
  }

  private PassResult last(String application) {
    for (int i = results.size() - 1; i >= 0; i--) {
      if (results.get(i).application().equals(application)) {
        return results.get(i);
      }
    }
    throw new AssertionError("no pass of " + application);
  }

  private static ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  @Test
  void aDenyWindowReportsDriftWritesNothingAndLetsTheSyncThroughWhenItCloses() throws Exception {
    SyncWindow nightly = SyncWindow.deny("0 0 * * *", Duration.ofHours(2), ZoneOffset.UTC);
    InMemorySource repo = InMemorySource.create("window-config", clock);
    Engine engine = engine(app("window", repo, k8s().target("window")).syncWindow(nightly).build());
    repo.commit(files("app.yaml", configMap("window", "app", "1")));

    PassResult blocked = pass(engine, "window");
    assertThat(blocked.status()).as(blocked.error()).isEqualTo(PassStatus.OUT_OF_SYNC);
    assertThat(blocked.error()).contains("no writes: deny window '0 0 * * *' for PT2H (Z)");
    assertThat(blocked.writes()).isZero();
    assertThat(blocked.drift().isInSync()).as("drift is reported").isFalse();
    assertThat(cm("window", "app")).as("nothing written inside the window").isNull();

    clock.advance(Duration.ofHours(2));
    PassResult after = pass(engine, "window");
    assertThat(after.status()).as(after.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(cm("window", "app").getData()).containsEntry("value", "1");

    // The next night a hand edit is seen but not healed until the window closes again.
    clock.advance(Duration.ofHours(23));
    ConfigMap edited = cm("window", "app");
    edited.getData().put("value", "by hand");
    client.configMaps().inNamespace("window").resource(edited).update();
    PassResult seen = pass(engine, "window");
    assertThat(seen.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
    assertThat(seen.drift().isInSync()).isFalse();
    assertThat(cm("window", "app").getData()).containsEntry("value", "by hand");

    clock.advance(Duration.ofHours(2));
    assertThat(pass(engine, "window").status()).isEqualTo(PassStatus.SYNCED);
    assertThat(cm("window", "app").getData()).containsEntry("value", "1");
  }

  @Test
  void aDependentWritesOnlyOnceItsDependencyIsHealthyAtItsCurrentRevision() throws Exception {
    InMemorySource edgeRepo = InMemorySource.create("edge-config", clock);
    InMemorySource shopRepo = InMemorySource.create("shop-config", clock);
    Engine engine =
        engine(
            app("edge", edgeRepo, k8s().target("edge")).build(),
            app("shop", shopRepo, k8s().target("shop"), "edge").build());
    edgeRepo.commit(files("controller.yaml", ingressController("v1")));
    shopRepo.commit(files("web.yaml", configMap("shop", "web", "1")));

    // The dependent's pass asks for one of the dependency, which writes its Deployment; no
    // controller has made it available yet, so the dependent waits and writes nothing.
    PassResult first = pass(engine, "shop");
    assertThat(first.status()).isEqualTo(PassStatus.WAITING);
    assertThat(first.error()).isEqualTo("waits for edge: it has not run yet");
    assertThat(last("edge").status()).as(last("edge").error()).isEqualTo(PassStatus.SYNCED);
    assertThat(client.apps().deployments().inNamespace("edge").withName("ingress").get())
        .isNotNull();
    PassResult waiting = pass(engine, "shop");
    assertThat(waiting.status()).isEqualTo(PassStatus.WAITING);
    assertThat(waiting.error()).startsWith("waits for edge: it is PROGRESSING");
    assertThat(cm("shop", "web")).isNull();

    markAvailable("edge", "ingress");
    PassResult healthy = pass(engine, "edge");
    assertThat(healthy.health().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(last("shop").status()).as("woken by its dependency").isEqualTo(PassStatus.SYNCED);
    assertThat(cm("shop", "web").getData()).containsEntry("value", "1");

    // Both repositories move; the dependency's new revision is rolling out, not available yet.
    edgeRepo.commit(files("controller.yaml", ingressController("v2")));
    shopRepo.commit(files("web.yaml", configMap("shop", "web", "2")));
    PassResult held = pass(engine, "shop");
    assertThat(held.status()).isEqualTo(PassStatus.WAITING);
    assertThat(cm("shop", "web").getData())
        .as("still the old revision")
        .containsEntry("value", "1");

    markAvailable("edge", "ingress");
    pass(engine, "edge");
    assertThat(last("shop").status()).isEqualTo(PassStatus.SYNCED);
    assertThat(cm("shop", "web").getData()).containsEntry("value", "2");
  }

  @Test
  void aTerraformOutputReachesTheKubernetesApplicationThatDependsOnIt() throws Exception {
    Testbed testbed = Testbed.get();
    UnaryOperator<TerraformTarget.Builder> tofu =
        b -> b.binary(testbed.tofu()).cliConfig(testbed.tofuCliConfig());
    TerraformTarget network = tofu.apply(TerraformTarget.builder(dir.resolve("tf"))).build();
    closing.add(network);
    InMemorySource infraRepo = InMemorySource.create("infra-config", clock);
    InMemorySource appRepo = InMemorySource.create("app-config", clock);
    KubernetesTarget kube =
        KubernetesTarget.builder(client)
            .inventoryNamespace("gitops4j-system")
            .substitute(Substitution.custom().variables(network::outputVariables).build())
            .build();
    Application infra = app("infra", infraRepo, network.target("infra")).build();
    Application app = app("app", appRepo, kube.target("app"), "infra").build();
    Engine engine = engine(infra, app);
    infraRepo.commit(database("orders"));
    appRepo.commit(
        files(
            "settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: tf-app\n"
                + "data:\n  database: ${database_host}\n  port: \"${database_port}\"\n"));

    // The dependent runs first: it waits, the database is created, then it renders the output.
    assertThat(pass(engine, "app").status()).isEqualTo(PassStatus.WAITING);
    assertThat(last("infra").status()).as(last("infra").error()).isEqualTo(PassStatus.SYNCED);
    assertThat(last("app").status()).as(last("app").error()).isEqualTo(PassStatus.SYNCED);
    String host = network.outputs().get("database_host").value().asText();
    assertThat(host).matches("orders-[0-9a-f]{8}\\.db\\.internal");
    assertThat(cm("tf-app", "settings").getData())
        .containsEntry("database", host)
        .containsEntry("port", "5432");

    // A new Terraform revision changes the output: the dependent, at an unchanged revision of its
    // own, follows once the dependency applied it.
    infraRepo.commit(database("billing"));
    assertThat(pass(engine, "infra").status()).isEqualTo(PassStatus.SYNCED);
    String moved = network.outputs().get("database_host").value().asText();
    assertThat(moved).startsWith("billing-");
    assertThat(last("app").status()).as(last("app").error()).isEqualTo(PassStatus.SYNCED);
    assertThat(cm("tf-app", "settings").getData()).containsEntry("database", moved);

    // A restarted service knows the outputs from its first plan, with nothing to apply.
    engine.close();
    network.close();
    TerraformTarget reopened = tofu.apply(TerraformTarget.builder(dir.resolve("tf"))).build();
    closing.add(reopened);
    KubernetesTarget kubeAgain =
        KubernetesTarget.builder(client)
            .inventoryNamespace("gitops4j-system")
            .substitute(Substitution.custom().variables(reopened::outputVariables).build())
            .build();
    results.clear();
    Engine restarted =
        engine(
            app("infra", infraRepo, reopened.target("infra")).build(),
            app("app", appRepo, kubeAgain.target("app"), "infra").build());
    assertThat(pass(restarted, "infra").status()).isEqualTo(PassStatus.IN_SYNC);
    PassResult again = pass(restarted, "app");
    assertThat(again.status()).as(again.error()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(again.writes()).isZero();
  }

  /** A Terraform configuration whose outputs name a database endpoint. */
  private static Map<String, String> database(String name) {
    return files(
        "main.tf",
        """
        resource "random_id" "db" {
          byte_length = 4
          keepers     = { name = "%s" }
        }

        output "database_host" {
          value = "%s-${random_id.db.hex}.db.internal"
        }

        output "database_port" {
          value = 5432
        }
        """
            .formatted(name, name));
  }

  private static String ingressController(String version) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ingress
          namespace: edge
        spec:
          replicas: 1
          selector:
            matchLabels: {app: ingress}
          template:
            metadata:
              labels: {app: ingress}
            spec:
              containers:
                - name: controller
                  image: ingress-controller:%s
        """
        .formatted(version);
  }

  /** Writes the status the Deployment controller would once the rollout finished. */
  private static void markAvailable(String namespace, String name) {
    Deployment current = client.apps().deployments().inNamespace(namespace).withName(name).get();
    current.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(current.getMetadata().getGeneration())
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
            .build());
    client.apps().deployments().inNamespace(namespace).resource(current).updateStatus();
  }
}
