package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.HistoryRecord;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drift found without false positives, and how conflicts and immutable fields are resolved. */
class DriftIT extends CountedCluster {

  /** Objects in the no-op test; change with -Dgitops4j.k8s.noop.objects=N. */
  static final int NOOP_OBJECTS = Integer.getInteger("gitops4j.k8s.noop.objects", 1000);

  static KubernetesTarget.Builder target() {
    return KubernetesTarget.builder(client).createNamespaces(true);
  }

  static ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  @Test
  void noOpPassOverManyObjectsMakesNoWriteAndNoDryRun() throws Exception {
    KubernetesTarget k8s = target().build();
    Map<String, String> files = new java.util.LinkedHashMap<>();
    for (int i = 0; i < NOOP_OBJECTS; i++) {
      files.put("cm-" + i + ".yaml", configMap("noop", "cm-" + i, "v" + i));
    }
    try (Rig rig = new Rig("noop", k8s.target("noop"), SyncPolicy.automatic())) {
      rig.commit(files);
      PassResult created = rig.pass();
      assertThat(created.status()).as(created.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(created.writes()).isEqualTo(NOOP_OBJECTS);

      counter.reset();
      PassResult noop = rig.pass();
      assertThat(noop.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get()).as("write requests").isZero();
      assertThat(counter.dryRuns.get()).as("dry-run requests").isZero();
      assertThat(counter.reads.get())
          .as("reads: one paged LIST instead of a GET per object")
          .isLessThan(10);

      // A hand edit of one object costs exactly one dry-run, and is healed without force: the
      // editor's fields came from an imperative update, not from another applier.
      client
          .configMaps()
          .inNamespace("noop")
          .withName("cm-7")
          .edit(c -> new ConfigMapBuilder(c).addToData("value", "edited").build());
      counter.reset();
      PassResult healed = rig.pass();
      assertThat(healed.status()).as(healed.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(healed.writes()).isEqualTo(1);
      assertThat(counter.dryRuns.get()).isEqualTo(1);
      assertThat(cm("noop", "cm-7").getData()).containsEntry("value", "v7");
    }
  }

  @Test
  void imperativeEditIsHealedWithoutForceButAnotherApplierNeedsForce() throws Exception {
    KubernetesTarget k8s = target().build();
    try (Rig rig = new Rig("conflict", k8s.target("conflict"), SyncPolicy.automatic())) {
      rig.commit(files("a.yaml", configMap("conflict", "a", "git")));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);

      // kubectl patch is an Update by manager "kubectl-patch": it owns .data.value now.
      cluster.kubectl(
          null,
          "patch",
          "configmap",
          "a",
          "-n",
          "conflict",
          "--type=merge",
          "-p",
          "{\"data\":{\"value\":\"patched\"}}");
      assertThat(cm("conflict", "a").getData()).containsEntry("value", "patched");
      assertThat(cm("conflict", "a").getMetadata().getManagedFields())
          .anySatisfy(
              f -> {
                assertThat(f.getManager()).isEqualTo("kubectl-patch");
                assertThat(f.getOperation()).isEqualTo("Update");
              });
      PassResult healed = rig.pass();
      assertThat(healed.status()).as(healed.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(healed.results())
          .anySatisfy(r -> assertThat(r.message()).contains("kubectl-patch"));
      assertThat(cm("conflict", "a").getData()).containsEntry("value", "git");
      assertThat(cm("conflict", "a").getMetadata().getManagedFields())
          .as("the field is ours again")
          .noneSatisfy(f -> assertThat(f.getManager()).isEqualTo("kubectl-patch"));

      cluster.kubectl(
          configMap("conflict", "a", "theirs"),
          "apply",
          "--server-side",
          "--force-conflicts",
          "--field-manager=other",
          "-f",
          "-");
      assertThat(cm("conflict", "a").getData()).containsEntry("value", "theirs");

      PassResult refused = rig.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.results())
          .anySatisfy(
              r -> assertThat(r.message()).contains("managed by other").contains(".data.value"));
      assertThat(cm("conflict", "a").getData()).containsEntry("value", "theirs");

      rig.restart(k8s.target("conflict"), SyncPolicy.automatic().toBuilder().force(true).build());
      PassResult forced = rig.pass();
      assertThat(forced.status()).as(forced.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("conflict", "a").getData()).containsEntry("value", "git");
    }
  }

  @Test
  void immutableFieldIsRecreatedOnlyWithForce() throws Exception {
    String v1 = configMap("immutable", "frozen", "1") + "immutable: true\n";
    String v2 = configMap("immutable", "frozen", "2") + "immutable: true\n";
    KubernetesTarget k8s = target().build();
    try (Rig rig = new Rig("immutable", k8s.target("immutable"), SyncPolicy.automatic())) {
      rig.commit(files("f.yaml", v1));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);
      String uid = cm("immutable", "frozen").getMetadata().getUid();

      rig.commit(files("f.yaml", v2));
      PassResult refused = rig.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.results())
          .anySatisfy(r -> assertThat(r.message()).contains("immutable").contains("force"));
      assertThat(cm("immutable", "frozen").getData()).containsEntry("value", "1");

      rig.restart(k8s.target("immutable"), SyncPolicy.automatic().toBuilder().force(true).build());
      PassResult forced = rig.pass();
      assertThat(forced.status()).as(forced.error()).isEqualTo(PassStatus.SYNCED);
      ConfigMap after = cm("immutable", "frozen");
      assertThat(after.getData()).containsEntry("value", "2");
      assertThat(after.getMetadata().getUid()).isNotEqualTo(uid);
    }
  }

  @Test
  void fieldsOwnedByAnIgnoredManagerAreNeitherComparedNorFought() throws Exception {
    String deployment =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: hpa
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """;
    KubernetesTarget watching = target().ignoreFieldsOwnedBy("autoscaler").build();
    KubernetesTarget plain = target().build();
    try (Rig rig = new Rig("hpa", watching.target("hpa"), SyncPolicy.automatic())) {
      rig.commit(files("web.yaml", deployment));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);

      // An autoscaler takes /spec/replicas over.
      Deployment scale =
          new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
              .withNewMetadata()
              .withName("web")
              .withNamespace("hpa")
              .endMetadata()
              .withNewSpec()
              .withReplicas(5)
              .endSpec()
              .build();
      client
          .apps()
          .deployments()
          .inNamespace("hpa")
          .withName("web")
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.SERVER_SIDE_APPLY)
                  .withFieldManager("autoscaler")
                  .withForce(true)
                  .build(),
              scale);

      PassResult ignored = rig.pass();
      assertThat(ignored.status()).as(ignored.error()).isEqualTo(PassStatus.IN_SYNC);

      // Without the option the same object is drift.
      rig.restart(plain.target("hpa"), SyncPolicy.detectOnly());
      PassResult drift = rig.pass();
      assertThat(drift.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(drift.drift().drifts())
          .anySatisfy(
              d ->
                  assertThat(d.changes())
                      .anySatisfy(c -> assertThat(c.path()).isEqualTo("/spec/replicas")));

      // A Git change elsewhere is applied without resetting the autoscaler's replicas.
      rig.restart(watching.target("hpa"), SyncPolicy.automatic());
      rig.commit(files("web.yaml", deployment.replace("nginx:1.27", "nginx:1.28")));
      PassResult updated = rig.pass();
      assertThat(updated.status()).as(updated.error()).isEqualTo(PassStatus.SYNCED);
      Deployment live = client.apps().deployments().inNamespace("hpa").withName("web").get();
      assertThat(live.getSpec().getReplicas()).isEqualTo(5);
      assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("nginx:1.28");
    }
  }

  @Test
  void defaultedFieldsAreNotDrift() throws Exception {
    // The server fills many defaults into a Deployment; none may count as drift.
    String deployment =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          namespace: defaults
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
              - name: api
                image: nginx:1.27
                ports: [{containerPort: 80}]
        """;
    KubernetesTarget k8s = target().build();
    try (Rig rig = new Rig("defaults", k8s.target("defaults"), SyncPolicy.automatic())) {
      rig.commit(files("api.yaml", deployment));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);
      // A new engine and target: no memory of the apply, so the dry-run path decides.
      KubernetesTarget fresh = target().build();
      rig.restart(fresh.target("defaults"), SyncPolicy.automatic());
      counter.reset();
      PassResult result = rig.pass();
      assertThat(result.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.dryRuns.get()).isEqualTo(1);
      counter.reset();
      assertThat(rig.pass().status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.dryRuns.get()).as("verified once, then the fast path").isZero();
    }
  }

  @Test
  void secretValuesNeverAppearInDiffsHistoryOrErrors() throws Exception {
    String secretValue = "s3cr3t-value-0042";
    String otherValue = "an0ther-s3cr3t-77";
    String secret =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: secrets\n"
            + "stringData:\n  password: \"%s\"\n";
    KubernetesTarget k8s = target().build();
    try (Rig rig = new Rig("secrets", k8s.target("secrets"), SyncPolicy.automatic())) {
      rig.commit(files("s.yaml", secret.formatted(secretValue)));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);
      rig.commit(files("s.yaml", secret.formatted(otherValue)));
      PassResult changed = rig.pass();
      assertThat(changed.status()).as(changed.error()).isEqualTo(PassStatus.SYNCED);

      StringBuilder everything = new StringBuilder();
      everything.append(changed).append(changed.drift()).append(changed.results());
      for (HistoryRecord record : rig.history.list("secrets", 100)) {
        everything.append(record).append(record.diff());
      }
      everything.append(String.join("\n", rig.history.lines()));
      for (String value : new String[] {secretValue, otherValue}) {
        assertThat(everything.toString()).doesNotContain(value);
        assertThat(everything.toString())
            .doesNotContain(java.util.Base64.getEncoder().encodeToString(value.getBytes()));
      }
      assertThat(rig.history.list("secrets", 100)).isNotEmpty();
    }
  }
}
