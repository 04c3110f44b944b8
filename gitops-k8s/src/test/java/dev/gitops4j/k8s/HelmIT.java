package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.k8s.internal.KubeRenderer;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Helm charts of the revision rendered by the real helm and applied to the real API server. */
class HelmIT extends CountedCluster {

  /** A chart in charts/shop: a ConfigMap per item, a pre-install hook, a CRD and its resource. */
  static Map<String, String> chart(String namespace, String color, String version) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("README.md", "shop config\n");
    files.put("charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: " + version + "\n");
    files.put("charts/shop/values.yaml", "color: blue\nitems: 2\n");
    files.put("values-prod.yaml", "color: " + color + "\n");
    files.put(
        "charts/shop/templates/config.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-config
        data:
          color: {{ .Values.color | quote }}
          kube: {{ .Capabilities.KubeVersion.Version | quote }}
          chart: {{ .Chart.Version | quote }}
        """);
    files.put(
        "charts/shop/templates/items.yaml",
        """
        {{- range $i := until (int .Values.items) }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: item-{{ $i }}
        data:
          index: {{ $i | quote }}
        {{- end }}
        """);
    files.put(
        "charts/shop/templates/hook.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: migrate
          annotations:
            helm.sh/hook: pre-install,pre-upgrade
        data:
          step: "schema"
        """);
    files.put(
        "charts/shop/templates/cleanup.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cleanup
          annotations:
            helm.sh/hook: pre-delete
        """);
    files.put(
        "charts/shop/crds/gizmos.yaml",
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gizmos.GROUP
        spec:
          group: GROUP
          scope: Namespaced
          names: {kind: Gizmo, plural: gizmos, singular: gizmo}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer}
        """);
    files.put(
        "charts/shop/templates/gizmo.yaml",
        """
        apiVersion: GROUP/v1
        kind: Gizmo
        metadata:
          name: {{ .Release.Name }}-gizmo
        spec:
          size: {{ .Values.items }}
        """);
    // CRDs are cluster-wide: each test's chart declares its own group.
    files.replaceAll((path, text) -> text.replace("GROUP", namespace + ".gitops4j.dev"));
    return files;
  }

  static HelmRelease release(String namespace) {
    ObjectNode inline = JsonNodeFactory.instance.objectNode().put("items", 3);
    return HelmRelease.chartInRevision("charts/shop", "shop")
        .namespace(namespace)
        .valuesFile("values-prod.yaml")
        .values(inline)
        .build();
  }

  static KubernetesTarget k8s() {
    return KubernetesTarget.builder(client)
        .helm(Testbed.get().helm())
        .createNamespaces(true)
        .build();
  }

  static long helmRuns(Target target) {
    return ((KubeRenderer) target.renderer()).helmRuns();
  }

  ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  @Test
  void chartOfTheRevisionIsRenderedWithMergedValuesHooksFirstCrdBeforeItsResource()
      throws Exception {
    Target target = k8s().target("helm-shop", release("helm-shop"));
    try (Rig rig = new Rig("helm-shop", target, SyncPolicy.automatic())) {
      rig.commit(chart("helm-shop", "red", "0.1.0"));
      counter.reset();
      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(counter.capabilityReads.get()).as("GET /version and /apis").isEqualTo(2);

      // Values merge: chart values, then values-prod.yaml, then inline values (later wins).
      ConfigMap config = cm("helm-shop", "shop-config");
      assertThat(config.getData()).containsEntry("color", "red");
      assertThat(config.getData().get("kube"))
          .as(".Capabilities from the cluster")
          .isEqualTo(client.getKubernetesVersion().getGitVersion());
      assertThat(cm("helm-shop", "item-2")).as("inline items: 3").isNotNull();
      assertThat(cm("helm-shop", "item-3")).isNull();
      assertThat(
              client
                  .genericKubernetesResources("helm-shop.gitops4j.dev/v1", "Gizmo")
                  .inNamespace("helm-shop")
                  .withName("shop-gizmo")
                  .get())
          .as("CRD from crds/ and its resource from one chart")
          .isNotNull();
      // The pre-install hook runs in a wave of its own before everything else; delete hooks are
      // not part of a revision.
      assertThat(first.plan().waves().get(0).steps())
          .extracting(Step::id)
          .containsExactly(ResourceId.of("ConfigMap", "helm-shop", "migrate"));
      assertThat(cm("helm-shop", "cleanup")).isNull();
      assertThat(helmRuns(target)).isEqualTo(1);

      counter.reset();
      PassResult noop = rig.pass();
      assertThat(noop.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get()).as("writes").isZero();
      assertThat(counter.dryRuns.get()).as("dry runs").isZero();
      assertThat(helmRuns(target)).as("an unchanged revision does not run helm").isEqualTo(1);

      // The chart's CRD added an API group since the first render: .Capabilities changed, so the
      // next revision renders once more; after that, commits outside the chart run helm no more.
      Map<String, String> unrelated = chart("helm-shop", "red", "0.1.0");
      unrelated.put("README.md", "changed outside the chart\n");
      rig.commit(unrelated);
      counter.reset();
      assertThat(rig.pass().status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.capabilityReads.get())
          .as("read again: the CRD applied since changed the API versions")
          .isEqualTo(2);
      long runs = helmRuns(target);
      unrelated.put("README.md", "changed again\n");
      rig.commit(unrelated);
      counter.reset();
      PassResult elsewhere = rig.pass();
      assertThat(elsewhere.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get() + counter.dryRuns.get()).isZero();
      assertThat(helmRuns(target)).as("nothing helm reads changed").isEqualTo(runs);
      assertThat(counter.capabilityReads.get())
          .as("a new revision reuses the cluster's capabilities")
          .isZero();
    }
  }

  @Test
  void aChangedHookWithBeforeHookCreationIsReplacedOtherHooksArePatched() throws Exception {
    HelmRelease release =
        HelmRelease.chartInRevision("hooks", "hooks").namespace("helm-hooks").build();
    Target target = k8s().target("helm-hooks", release);
    try (Rig rig = new Rig("helm-hooks", target, SyncPolicy.automatic())) {
      rig.commit(hookChart("v1"));
      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      String replacedUid = cm("helm-hooks", "migrate").getMetadata().getUid();
      String patchedUid = cm("helm-hooks", "notify").getMetadata().getUid();

      rig.commit(hookChart("v2"));
      PassResult second = rig.pass();
      assertThat(second.status()).as(second.error()).isEqualTo(PassStatus.SYNCED);
      ConfigMap migrate = cm("helm-hooks", "migrate");
      assertThat(migrate.getData()).containsEntry("step", "v2");
      assertThat(migrate.getMetadata().getUid())
          .as("deleted and created anew")
          .isNotEqualTo(replacedUid);
      ConfigMap notify = cm("helm-hooks", "notify");
      assertThat(notify.getData()).containsEntry("step", "v2");
      assertThat(notify.getMetadata().getUid()).as("patched in place").isEqualTo(patchedUid);
      assertThat(second.results())
          .filteredOn(r -> r.step().id().name().equals("migrate"))
          .extracting(r -> r.message())
          .containsExactly("deleted and re-created (hook-delete-policy before-hook-creation)");

      // Unchanged, it stays: the next pass finds it in sync and neither deletes nor writes it.
      counter.reset();
      assertThat(rig.pass().status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get()).isZero();
      assertThat(cm("helm-hooks", "migrate").getMetadata().getUid())
          .isEqualTo(migrate.getMetadata().getUid());
    }
  }

  static Map<String, String> hookChart(String step) {
    return Rig.files(
        "hooks/Chart.yaml",
        "apiVersion: v2\nname: hooks\nversion: 0.1.0\n",
        "hooks/values.yaml",
        "step: " + step + "\n",
        "hooks/templates/migrate.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: migrate
          annotations:
            helm.sh/hook: pre-install,pre-upgrade
            helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
        data:
          step: {{ .Values.step | quote }}
        """,
        "hooks/templates/notify.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: notify
          annotations:
            helm.sh/hook: post-install,post-upgrade
        data:
          step: {{ .Values.step | quote }}
        """,
        "hooks/templates/app.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
        data:
          step: {{ .Values.step | quote }}
        """);
  }

  @Test
  void valuesChangeByCommitWritesOnlyTheChangedObjectAndAVersionBumpItsOwn() throws Exception {
    Target target = k8s().target("helm-values", release("helm-values"));
    try (Rig rig = new Rig("helm-values", target, SyncPolicy.automatic())) {
      rig.commit(chart("helm-values", "red", "0.1.0"));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);

      rig.commit(chart("helm-values", "green", "0.1.0"));
      counter.reset();
      PassResult changed = rig.pass();
      assertThat(changed.status()).as(changed.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(changed.writes()).isEqualTo(1);
      assertThat(counter.writes.get()).as("one apply at the HTTP layer").isEqualTo(1);
      assertThat(cm("helm-values", "shop-config").getData()).containsEntry("color", "green");

      rig.commit(chart("helm-values", "green", "0.2.0"));
      PassResult bumped = rig.pass();
      assertThat(bumped.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(bumped.writes()).isEqualTo(1);
      assertThat(cm("helm-values", "shop-config").getData()).containsEntry("chart", "0.2.0");
      assertThat(helmRuns(target)).isEqualTo(3);
    }
  }

  @Test
  void templateErrorNamesTheChartAndValuesFilesAndAppliesNothing() throws Exception {
    Target target = k8s().target("helm-broken", release("helm-broken"));
    try (Rig rig = new Rig("helm-broken", target, SyncPolicy.automatic())) {
      Map<String, String> files = chart("helm-broken", "red", "0.1.0");
      files.put(
          "charts/shop/templates/broken.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
              + "  a: {{ .Values.missing.field }}\n");
      rig.commit(files);
      counter.reset();
      PassResult failed = rig.pass();
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error())
          .contains("charts/shop/Chart.yaml")
          .contains("values-prod.yaml")
          .contains("broken.yaml");
      assertThat(failed.retryable()).isFalse();
      assertThat(counter.writes.get()).isZero();
      assertThat(client.namespaces().withName("helm-broken").get()).isNull();
    }
  }

  @Test
  void missingValuesFileIsAProblemNamingIt() throws Exception {
    HelmRelease release =
        HelmRelease.chartInRevision("charts/shop", "shop").valuesFile("values-qa.yaml").build();
    Target target = k8s().target("helm-novalues", release);
    try (Rig rig = new Rig("helm-novalues", target, SyncPolicy.automatic())) {
      rig.commit(chart("helm-novalues", "red", "0.1.0"));
      PassResult failed = rig.pass();
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error()).contains("values-qa.yaml").contains("not found");
      assertThat(helmRuns(target)).isZero();
    }
  }
}
