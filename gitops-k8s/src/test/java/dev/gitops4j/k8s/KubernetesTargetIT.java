package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.files;
import static dev.gitops4j.k8s.Rig.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kubernetes target driven by a real engine against a real API server. */
class KubernetesTargetIT {

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

  static KubernetesTarget.Builder target() {
    return KubernetesTarget.builder(client).inventoryNamespace("gitops4j-system");
  }

  static ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  @Test
  void createsUpdatesAndPrunesInNamespaceOrder() throws Exception {
    KubernetesTarget k8s = target().build();
    try (Rig rig = new Rig("crud", k8s.target("crud"), SyncPolicy.automatic())) {
      // The namespace is declared after its objects: ordering must still create it first.
      rig.commit(
          files(
              "a.yaml", configMap("crud", "a", "1"),
              "b.yaml", configMap("crud", "b", "1"),
              "ns.yaml", namespace("crud")));
      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      ConfigMap a = cm("crud", "a");
      assertThat(a.getData()).containsEntry("value", "1");
      assertThat(a.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "gitops4j")
          .containsEntry(KubernetesTarget.APPLICATION_LABEL, "crud");
      assertThat(a.getMetadata().getAnnotations())
          .containsKey(KubernetesTarget.APPLIED_HASH_ANNOTATION);
      assertThat(a.getMetadata().getManagedFields())
          .anySatisfy(f -> assertThat(f.getManager()).isEqualTo("gitops4j"));
      assertThat(k8s.inventoryStore().load("crud").resources())
          .containsExactlyInAnyOrder(
              ResourceId.of("Namespace", "crud"),
              ResourceId.of("ConfigMap", "crud", "a"),
              ResourceId.of("ConfigMap", "crud", "b"));

      PassResult again = rig.pass();
      assertThat(again.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(again.writes()).isZero();

      rig.commit(files("a.yaml", configMap("crud", "a", "2"), "ns.yaml", namespace("crud")));
      PassResult update = rig.pass();
      assertThat(update.status()).as(update.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("crud", "a").getData()).containsEntry("value", "2");
      assertThat(cm("crud", "b")).as("pruned").isNull();
      assertThat(k8s.inventoryStore().load("crud").resources())
          .containsExactlyInAnyOrder(
              ResourceId.of("Namespace", "crud"), ResourceId.of("ConfigMap", "crud", "a"));
    }
  }

  @Test
  void anObjectOfAnotherApplicationIsNotTakenOverUnlessForced() throws Exception {
    KubernetesTarget k8s = target().build();
    try (Rig first = new Rig("first-owner", k8s.target("first-owner"), SyncPolicy.automatic());
        Rig second = new Rig("second-owner", k8s.target("second-owner"), SyncPolicy.automatic())) {
      first.commit(files("shared.yaml", configMap("default", "shared", "first")));
      assertThat(first.pass().status()).isEqualTo(PassStatus.SYNCED);

      second.commit(files("shared.yaml", configMap("default", "shared", "second")));
      PassResult refused = second.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.error())
          .contains("ConfigMap default/shared")
          .contains("belongs to application first-owner");
      assertThat(cm("default", "shared").getData()).containsEntry("value", "first");
      assertThat(cm("default", "shared").getMetadata().getLabels())
          .containsEntry(KubernetesTarget.APPLICATION_LABEL, "first-owner");

      second.restart(k8s.target("second-owner"), SyncPolicy.custom().force(true).build());
      PassResult forced = second.pass();
      assertThat(forced.status()).as(forced.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("default", "shared").getData()).containsEntry("value", "second");
      assertThat(cm("default", "shared").getMetadata().getLabels())
          .containsEntry(KubernetesTarget.APPLICATION_LABEL, "second-owner");
    }
  }

  @Test
  void namespacedObjectsWithoutNamespaceGoToTheDefaultNamespace() throws Exception {
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("fallback")
                .endMetadata()
                .build())
        .serverSideApply();
    KubernetesTarget k8s = target().defaultNamespace("fallback").build();
    try (Rig rig = new Rig("defaults", k8s.target("defaults"), SyncPolicy.automatic())) {
      rig.commit(files("c.yaml", configMap(null, "c", "x")));
      PassResult result = rig.pass();
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("fallback", "c")).isNotNull();
    }
  }

  @Test
  void crdAndCustomResourceInOneRevision() throws Exception {
    String crd =
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.it.gitops4j.dev
        spec:
          group: it.gitops4j.dev
          scope: Namespaced
          names: {kind: Gadget, plural: gadgets, singular: gadget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """;
    String gadget =
        """
        apiVersion: it.gitops4j.dev/v1
        kind: Gadget
        metadata:
          name: g1
          namespace: crd-app
        spec:
          size: 3
        """;
    KubernetesTarget k8s = target().createNamespaces(true).build();
    try (Rig rig = new Rig("crd-app", k8s.target("crd-app"), SyncPolicy.automatic())) {
      rig.commit(files("a-gadget.yaml", gadget, "z-crd.yaml", crd));
      PassResult result = rig.pass();
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
      GenericKubernetesResource read =
          client
              .genericKubernetesResources("it.gitops4j.dev/v1", "Gadget")
              .inNamespace("crd-app")
              .withName("g1")
              .get();
      assertThat(read).isNotNull();
      assertThat(rig.pass().status()).isEqualTo(PassStatus.IN_SYNC);
    }
  }

  @Test
  void emptyRenderIsRefusedAndNothingIsPruned() throws Exception {
    KubernetesTarget k8s = target().createNamespaces(true).build();
    try (Rig rig = new Rig("empty", k8s.target("empty"), SyncPolicy.automatic())) {
      rig.commit(files("a.yaml", configMap("empty", "a", "1")));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);
      rig.commit(files("README.md", "nothing here"));
      PassResult refused = rig.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.error()).contains("refusing to prune");
      assertThat(cm("empty", "a")).isNotNull();
    }
  }

  @Test
  void allowListsAreCheckedBeforeAnyWrite() throws Exception {
    KubernetesTarget k8s =
        target().createNamespaces(true).allowNamespaces("team-a*").allowKinds("ConfigMap").build();
    try (Rig rig = new Rig("fenced", k8s.target("fenced"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "ok.yaml", configMap("team-a", "ok", "1"),
              "bad.yaml", configMap("kube-system", "bad", "1")));
      PassResult result = rig.pass();
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error())
          .contains("bad.yaml:1")
          .contains("namespace kube-system is not allowed");
      assertThat(cm("team-a", "ok")).as("nothing applied").isNull();
      assertThat(k8s.inventoryStore().load("fenced")).isEqualTo(Inventory.empty());
    }
  }

  @Test
  void prunesOutsideNarrowedAllowListsAreRefused() throws Exception {
    KubernetesTarget open = target().createNamespaces(true).build();
    try (Rig rig = new Rig("narrowed", open.target("narrowed"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "a.yaml", configMap("narrowed-a", "a", "1"),
              "b.yaml", configMap("narrowed-b", "b", "1"),
              "c.yaml", configMap("narrowed-a", "c", "1")));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);

      KubernetesTarget fenced = target().allowNamespaces("narrowed-a").build();
      rig.restart(fenced.target("narrowed"), SyncPolicy.automatic());
      rig.commit(files("a.yaml", configMap("narrowed-a", "a", "1")));
      PassResult result = rig.pass();
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.results())
          .anySatisfy(
              r ->
                  assertThat(r.message())
                      .contains("ConfigMap narrowed-b/b")
                      .contains("not pruned")
                      .contains("namespace narrowed-b is not allowed"));
      assertThat(cm("narrowed-b", "b")).as("outside the allow-list: kept").isNotNull();
      assertThat(cm("narrowed-a", "c")).as("inside: pruned").isNull();
      assertThat(fenced.inventoryStore().load("narrowed").resources())
          .as("still owned, so a wider allow-list can prune it later")
          .contains(ResourceId.of("ConfigMap", "narrowed-b", "b"));
    }
  }

  @Test
  void unknownKindIsReportedWithItsFile() throws Exception {
    KubernetesTarget k8s = target().build();
    try (Rig rig = new Rig("unknown", k8s.target("unknown"), SyncPolicy.automatic())) {
      rig.commit(
          files("w.yaml", "apiVersion: nowhere.dev/v1\nkind: Widget\nmetadata:\n  name: w\n"));
      PassResult result = rig.pass();
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error())
          .contains("w.yaml:1")
          .contains("unknown kind nowhere.dev/v1 Widget");
    }
  }

  static Target plain(KubernetesTarget k8s, String app) {
    return k8s.target(app);
  }

  static Map<String, String> data(String namespace, String name) {
    ConfigMap map = cm(namespace, name);
    return map == null ? null : map.getData();
  }
}
