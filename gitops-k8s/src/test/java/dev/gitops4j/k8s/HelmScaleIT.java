package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.test.Testbed;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A generated chart of 1,000 objects: what its first render and first sync cost, and that a no-op
 * pass and a commit outside the chart make 0 writes, 0 dry runs and 0 helm runs. Prints the figures
 * (docs/helm.md quotes them); asserts only the counts.
 */
class HelmScaleIT extends CountedCluster {

  static final int OBJECTS = 1000;

  static Map<String, String> chart(String readme) {
    return Rig.files(
        "README.md",
        readme,
        "big/Chart.yaml",
        "apiVersion: v2\nname: big\nversion: 1.0.0\n",
        "big/values.yaml",
        "count: " + OBJECTS + "\ncolor: red\n",
        "big/templates/items.yaml",
        """
        {{- range $i := until (int .Values.count) }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: item-{{ $i }}
          labels:
            app.kubernetes.io/instance: {{ $.Release.Name }}
        data:
          index: {{ $i | quote }}
          color: {{ $.Values.color | quote }}
        {{- end }}
        """);
  }

  @Test
  void aThousandObjectChartNoOpPassMakesNoWritesNoDryRunsNoHelmRuns() throws Exception {
    String ns = "helm-scale";
    HelmRelease release = HelmRelease.chartInRevision("big", "big").namespace(ns).build();
    KubernetesTarget k8s =
        KubernetesTarget.builder(client).helm(Testbed.get().helm()).createNamespaces(true).build();
    Target target = k8s.target(ns, release);
    try (Rig rig = new Rig(ns, target, SyncPolicy.automatic())) {
      String revision = rig.commit(chart("big chart\n"));

      // The renderer alone on a fresh target: helm template, decoding and validation.
      Target renderOnly = k8s.target(ns + "-render", release);
      long renderStart = System.nanoTime();
      DesiredState rendered = renderOnly.renderer().render(rig.repo.read(revision));
      long renderMillis = (System.nanoTime() - renderStart) / 1_000_000;
      assertThat(rendered.size()).isEqualTo(OBJECTS);

      long syncStart = System.nanoTime();
      PassResult first = rig.pass();
      long syncMillis = (System.nanoTime() - syncStart) / 1_000_000;
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(first.writes()).isEqualTo(OBJECTS);
      long runs = HelmIT.helmRuns(target);
      assertThat(runs).isEqualTo(1);

      counter.reset();
      long noopStart = System.nanoTime();
      PassResult noop = rig.pass();
      long noopMillis = (System.nanoTime() - noopStart) / 1_000_000;
      assertThat(noop.status()).isEqualTo(PassStatus.IN_SYNC);
      long noopReads = counter.reads.get();
      assertThat(counter.writes.get()).as("writes").isZero();
      assertThat(counter.dryRuns.get()).as("dry runs").isZero();
      assertThat(HelmIT.helmRuns(target)).as("helm runs").isEqualTo(runs);

      // A commit outside the chart: a new revision, the same rendering.
      rig.commit(chart("changed outside the chart\n"));
      counter.reset();
      long otherStart = System.nanoTime();
      PassResult other = rig.pass();
      long otherMillis = (System.nanoTime() - otherStart) / 1_000_000;
      assertThat(other.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get()).as("writes").isZero();
      assertThat(counter.dryRuns.get()).as("dry runs").isZero();
      assertThat(HelmIT.helmRuns(target)).as("helm runs").isEqualTo(runs);
      assertThat(counter.capabilityReads.get()).as("capabilities cached").isZero();

      System.out.printf(
          "helm chart of %d objects: first render %d ms (helm template + decode + validation),"
              + " first sync %d ms (%d writes); no-op pass %d ms (%d reads, 0 writes, 0 dry runs,"
              + " 0 helm runs); commit outside the chart %d ms (%d reads, 0 writes, 0 dry runs,"
              + " 0 helm runs)%n",
          OBJECTS,
          renderMillis,
          syncMillis,
          first.writes(),
          noopMillis,
          noopReads,
          otherMillis,
          counter.reads.get());
    }
  }
}
