package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.files;
import static dev.gitops4j.k8s.Rig.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.test.InterceptingTarget;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Self-heal from watches, crash safety, kustomize, inventory concurrency, impersonation. */
class OperationsIT {

  static TestCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = TestCluster.get();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  static ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  static String value(String namespace, String name) {
    ConfigMap map = cm(namespace, name);
    return map == null || map.getData() == null ? null : map.getData().get("value");
  }

  @Test
  void handEditIsHealedWithinSecondsThroughWatchEvents() throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).createNamespaces(true).build();
    InMemorySource repo = InMemorySource.create();
    repo.commit(
        files("a.yaml", configMap("heal", "a", "git"), "b.yaml", configMap("heal", "b", "git")));
    AtomicInteger passes = new AtomicInteger();
    try (Engine engine =
        Engine.builder()
            .eventDebounce(Duration.ofMillis(200))
            .listener(
                new dev.gitops4j.engine.ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    passes.incrementAndGet();
                  }
                })
            .application(
                Application.builder("heal")
                    .source(repo)
                    .target(k8s.target("heal"))
                    .policy(SyncPolicy.automatic()) // force off: hand edits are healed anyway
                    .interval(Duration.ofHours(1))
                    .build())
            .build()) {
      engine.start();
      assertThat(TestCluster.await(Duration.ofSeconds(30), () -> "git".equals(value("heal", "b"))))
          .as("first sync")
          .isTrue();
      assertThat(TestCluster.await(Duration.ofSeconds(10), () -> passes.get() >= 1)).isTrue();

      client
          .configMaps()
          .inNamespace("heal")
          .withName("a")
          .edit(c -> new ConfigMapBuilder(c).addToData("value", "by hand").build());
      client.configMaps().inNamespace("heal").withName("b").delete();

      assertThat(
              TestCluster.await(
                  Duration.ofSeconds(10),
                  () -> "git".equals(value("heal", "a")) && "git".equals(value("heal", "b"))))
          .as("edit and delete healed by the watch-triggered pass (the interval is 1 h)")
          .isTrue();
    }
  }

  @Test
  void passInterruptedBetweenStepsThenNewEngineConvergesWithoutOrphans() throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    Target real = k8s.target("crash");
    AtomicInteger applies = new AtomicInteger();
    Target crashing =
        InterceptingTarget.wrap(
            real,
            (step, options) -> {
              if (step.action() == Step.Action.CREATE && applies.incrementAndGet() == 3) {
                throw new TargetException("process died", false);
              }
            });
    try (Rig rig = new Rig("crash", crashing, SyncPolicy.automatic())) {
      rig.commit(
          files(
              "ns.yaml", namespace("crash"),
              "a.yaml", configMap("crash", "a", "1"),
              "b.yaml", configMap("crash", "b", "1"),
              "c.yaml", configMap("crash", "c", "1")));
      PassResult broken = rig.pass();
      assertThat(broken.status()).isEqualTo(PassStatus.FAILED);
      assertNoOrphans(k8s.inventoryStore(), "crash");
      assertThat(cm("crash", "b")).as("the step that died").isNull();
      assertThat(k8s.inventoryStore().load("crash").resources())
          .as("written ahead of the creates")
          .contains(ResourceId.of("ConfigMap", "crash", "b"));

      rig.restart(KubernetesTarget.builder(client).build().target("crash"), SyncPolicy.automatic());
      PassResult converged = rig.pass();
      assertThat(converged.status()).as(converged.error()).isEqualTo(PassStatus.SYNCED);
      assertNoOrphans(k8s.inventoryStore(), "crash");
      assertThat(List.of(value("crash", "a"), value("crash", "b"), value("crash", "c")))
          .containsOnly("1");
      assertThat(k8s.inventoryStore().load("crash").resources()).hasSize(4);
    }
  }

  @Test
  void pruneDeletesOnlyTheObjectItObservedNotOneChangedSince() throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    AtomicInteger deletes = new AtomicInteger();
    Target racing =
        InterceptingTarget.wrap(
            k8s.target("race"),
            (step, options) -> {
              if (step.action() == Step.Action.DELETE && deletes.incrementAndGet() == 1) {
                // Someone else changes the object between the pass's observation and its delete.
                client
                    .configMaps()
                    .inNamespace("race")
                    .withName("old")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("touched", "yes").build());
              }
            });
    try (Rig rig = new Rig("race", racing, SyncPolicy.automatic())) {
      rig.commit(
          files(
              "ns.yaml", namespace("race"),
              "keep.yaml", configMap("race", "keep", "1"),
              "old.yaml", configMap("race", "old", "1")));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);

      rig.commit(files("ns.yaml", namespace("race"), "keep.yaml", configMap("race", "keep", "1")));
      PassResult raced = rig.pass();
      assertThat(raced.status()).isEqualTo(PassStatus.FAILED);
      assertThat(raced.error()).contains("changed or re-created since it was observed");
      assertThat(client.configMaps().inNamespace("race").withName("old").get())
          .as("the changed object is not deleted")
          .isNotNull();
      assertThat(
              k8s.inventoryStore().load("race").contains(ResourceId.of("ConfigMap", "race", "old")))
          .as("still owned, still in the inventory")
          .isTrue();

      PassResult next = rig.pass();
      assertThat(next.status()).as(next.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(client.configMaps().inNamespace("race").withName("old").get()).isNull();
    }
  }

  private static void assertNoOrphans(InventoryStore store, String app) throws IOException {
    Inventory inventory = store.load(app);
    Set<ResourceId> owned =
        client
            .configMaps()
            .inAnyNamespace()
            .withLabel(KubernetesTarget.APPLICATION_LABEL, app)
            .list()
            .getItems()
            .stream()
            .map(
                c ->
                    ResourceId.of(
                        "ConfigMap", c.getMetadata().getNamespace(), c.getMetadata().getName()))
            .collect(Collectors.toSet());
    assertThat(inventory.resources()).containsAll(owned);
  }

  @Test
  void kustomizationIsBuiltWithKubectl() throws Exception {
    KubernetesTarget k8s =
        KubernetesTarget.builder(client).createNamespaces(true).kubectl(cluster.kubectl).build();
    try (Rig rig = new Rig("kustomized", k8s.target("kustomized"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "kustomization.yaml",
              "namespace: kustomized\nnamePrefix: prod-\nresources:\n- base/app.yaml\n",
              "base/app.yaml",
              configMap(null, "settings", "from-base")));
      PassResult result = rig.pass();
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(value("kustomized", "prod-settings")).isEqualTo("from-base");
    }
  }

  @Test
  void kustomizationWithoutKubectlIsAClearError() throws Exception {
    KubernetesTarget k8s =
        KubernetesTarget.builder(client).kubectl(Path.of("/nonexistent/kubectl")).build();
    try (Rig rig = new Rig("nokubectl", k8s.target("nokubectl"), SyncPolicy.automatic())) {
      rig.commit(files("kustomization.yaml", "resources: []\n"));
      PassResult result = rig.pass();
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error())
          .contains("kustomization.yaml")
          .contains("needs kubectl")
          .contains("/nonexistent/kubectl");
    }
  }

  @Test
  void twoInventoryWritersDoNotLoseUpdates() throws Exception {
    InventoryStore one = KubernetesTarget.builder(client).build().inventoryStore();
    InventoryStore two = KubernetesTarget.builder(client).build().inventoryStore();
    ResourceId a = ResourceId.of("ConfigMap", "x", "a");
    ResourceId b = ResourceId.of("ConfigMap", "x", "b");
    one.load("race");
    one.save("race", Inventory.of(List.of(a)));
    assertThat(two.load("race").resources()).containsExactly(a);
    one.load("race");

    two.save("race", Inventory.of(List.of(a, b)));
    assertThatThrownBy(() -> one.save("race", Inventory.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("changed by another writer");
    assertThat(one.load("race").resources()).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void impersonatedTargetActsAsTheGivenUser() throws Exception {
    KubernetesTarget k8s =
        KubernetesTarget.builder(client)
            .impersonate("alice", "team-a")
            .createNamespaces(true)
            .build();
    try (Rig rig = new Rig("alice", k8s.target("alice"), SyncPolicy.automatic())) {
      rig.commit(files("a.yaml", configMap("default", "alice-a", "1")));
      PassResult result = rig.pass();
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("alice").contains("forbidden");
      assertThat(cm("default", "alice-a")).isNull();
    }
  }
}
