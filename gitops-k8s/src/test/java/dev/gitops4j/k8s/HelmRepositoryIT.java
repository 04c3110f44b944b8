package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.k8s.ChartPeers.ChartRepository;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Charts from an HTTP Helm repository (real {@code helm package} + {@code helm repo index}, served
 * on 127.0.0.1), rendered by the real helm and applied to the real API server.
 */
class HelmRepositoryIT extends CountedCluster {

  @TempDir Path work;

  KubernetesTarget k8s() {
    return KubernetesTarget.builder(client)
        .helm(Testbed.get().helm())
        .chartCache(work.resolve("chart-cache"))
        .createNamespaces(true)
        .build();
  }

  static Map<String, String> values(String color) {
    return Rig.files("values-prod.yaml", "color: " + color + "\n", "README.md", "values\n");
  }

  ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  HistoryRecord lastRecord(Rig rig) throws Exception {
    return rig.history.list(rig.app, 1).get(0);
  }

  @Test
  void highestMatchingVersionIsDeployedVerifiedCachedAndRecorded() throws Exception {
    String ns = "helm-repo";
    try (ChartRepository repo = new ChartRepository(work, null, null)) {
      repo.publish(ChartPeers.shopChart(ns, "0.1.0"));
      repo.publish(ChartPeers.shopChart(ns, "0.2.0"));
      repo.publish(ChartPeers.shopChart(ns, "1.0.0"));
      HelmRelease release =
          HelmRelease.chartFromRepository(repo.url(), "shop", ">=0.1.0 <1.0.0", "shop")
              .namespace(ns)
              .valuesFile("values-prod.yaml")
              .refreshEvery(Duration.ofHours(1))
              .build();
      Target target = k8s().target(ns, release);
      try (Rig rig = new Rig(ns, target, SyncPolicy.automatic())) {
        rig.commit(values("red"));
        PassResult first = rig.pass();
        assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(cm(ns, "shop-config").getData())
            .containsEntry("chart", "0.2.0")
            .containsEntry("color", "red");
        String digest = repo.digest("shop", "0.2.0");
        assertThat(lastRecord(rig).inputs())
            .as("the audit names what was deployed")
            .isEqualTo("chart shop 0.2.0 sha256:" + digest + " from " + repo.url());
        assertThat(repo.indexRequests.get()).isEqualTo(1);
        assertThat(repo.archiveRequests.get()).isEqualTo(1);
        try (var cached = Files.list(work.resolve("chart-cache"))) {
          assertThat(cached.map(p -> p.getFileName().toString()))
              .containsExactly("sha256-" + digest + ".tgz");
        }

        // A no-op pass asks nothing of the repository and the cluster beyond the reads.
        counter.reset();
        repo.resetCounts();
        PassResult noop = rig.pass();
        assertThat(noop.status()).isEqualTo(PassStatus.IN_SYNC);
        assertThat(counter.writes.get()).as("writes").isZero();
        assertThat(counter.dryRuns.get()).as("dry runs").isZero();
        assertThat(HelmIT.helmRuns(target)).isEqualTo(1);
        assertThat(repo.indexRequests.get() + repo.archiveRequests.get())
            .as("within the refresh interval")
            .isZero();

        // A values change by commit writes only the changed object; the chart is not fetched.
        rig.commit(values("green"));
        counter.reset();
        PassResult changed = rig.pass();
        assertThat(changed.status()).as(changed.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(changed.writes()).isEqualTo(1);
        assertThat(counter.writes.get()).isEqualTo(1);
        assertThat(cm(ns, "shop-config").getData()).containsEntry("color", "green");
        assertThat(repo.indexRequests.get() + repo.archiveRequests.get()).isZero();
      }
    }
  }

  @Test
  void aVersionPublishedToTheIndexIsDeployedByTheNextPass() throws Exception {
    String ns = "helm-bump";
    try (ChartRepository repo = new ChartRepository(work, null, null)) {
      repo.publish(ChartPeers.shopChart(ns, "0.1.0"));
      HelmRelease release =
          HelmRelease.chartFromRepository(repo.url(), "shop", "^0.1 || ^0.2", "shop")
              .namespace(ns)
              .refreshEvery(Duration.ZERO)
              .build();
      Target target = k8s().target(ns, release);
      try (Rig rig = new Rig(ns, target, SyncPolicy.automatic())) {
        String revision = rig.commit(values("red"));
        assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);
        assertThat(cm(ns, "shop-config").getData()).containsEntry("chart", "0.1.0");

        // The index is read at every pass here, but an unchanged index downloads nothing more.
        repo.resetCounts();
        counter.reset();
        assertThat(rig.pass().status()).isEqualTo(PassStatus.IN_SYNC);
        assertThat(repo.indexRequests.get()).isEqualTo(1);
        assertThat(repo.archiveRequests.get()).isZero();
        assertThat(counter.writes.get() + counter.dryRuns.get()).isZero();
        assertThat(HelmIT.helmRuns(target)).isEqualTo(1);

        repo.publish(ChartPeers.shopChart(ns, "0.2.0"));
        repo.publish(ChartPeers.shopChart(ns, "1.0.0"));
        counter.reset();
        PassResult bumped = rig.pass();
        assertThat(bumped.status()).as(bumped.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(bumped.revision()).as("no commit").isEqualTo(revision);
        assertThat(cm(ns, "shop-config").getData()).containsEntry("chart", "0.2.0");
        assertThat(bumped.writes()).as("only the object that shows the version").isEqualTo(1);
        assertThat(lastRecord(rig).inputs()).startsWith("chart shop 0.2.0 sha256:");
      }
    }
  }

  @Test
  void anArchiveThatDoesNotMatchTheIndexDigestIsAnInvalidRevisionAndNothingIsApplied()
      throws Exception {
    String ns = "helm-tampered";
    try (ChartRepository repo = new ChartRepository(work, null, null)) {
      repo.publish(ChartPeers.shopChart(ns, "0.1.0"));
      repo.tamperDigest("shop", "0.1.0", "ab".repeat(32));
      HelmRelease release =
          HelmRelease.chartFromRepository(repo.url(), "shop", "0.1.0", "shop")
              .namespace(ns)
              .build();
      Target target = k8s().target(ns, release);
      try (Rig rig = new Rig(ns, target, SyncPolicy.automatic())) {
        rig.commit(values("red"));
        counter.reset();
        PassResult failed = rig.pass();
        assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.error())
            .contains("digest mismatch")
            .contains("sha256:" + "ab".repeat(32))
            .contains("shop-0.1.0.tgz");
        assertThat(counter.writes.get()).isZero();
        assertThat(HelmIT.helmRuns(target)).as("nothing unverified is rendered").isZero();
        assertThat(client.namespaces().withName(ns).get()).isNull();
        assertThat(work.resolve("chart-cache")).doesNotExist();
      }
    }
  }

  @Test
  void rejectedCredentialsAreAClearErrorThatNeverShowsTheSecret() throws Exception {
    String ns = "helm-auth";
    try (ChartRepository repo = new ChartRepository(work, "reader", "s3cret-pass")) {
      repo.publish(ChartPeers.shopChart(ns, "0.1.0"));
      Path user = Files.writeString(work.resolve("user"), "reader\n");
      Path wrong = Files.writeString(work.resolve("wrong"), "wrong-pass\n");
      Path right = Files.writeString(work.resolve("right"), "s3cret-pass\n");
      KubernetesTarget k8s = k8s();

      HelmRelease denied =
          HelmRelease.chartFromRepository(repo.url(), "shop", "0.1.0", "shop")
              .namespace(ns)
              .credentials(ChartCredentials.basicFromFiles(user, wrong))
              .build();
      try (Rig rig =
          new Rig(ns + "-denied", k8s.target(ns + "-denied", denied), SyncPolicy.automatic())) {
        rig.commit(values("red"));
        counter.reset();
        PassResult failed = rig.pass();
        assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
        assertThat(failed.error())
            .contains(repo.url() + "index.yaml refused access (HTTP 401)")
            .contains("credentials (basic auth from files " + user + ", " + wrong)
            .contains("were rejected")
            .doesNotContain("wrong-pass");
        assertThat(repo.refused).containsKey("reader");
        assertThat(counter.writes.get()).isZero();
        assertThat(lastRecord(rig).error()).doesNotContain("wrong-pass");
      }

      HelmRelease allowed =
          HelmRelease.chartFromRepository(repo.url(), "shop", "0.1.0", "shop")
              .namespace(ns)
              .credentials(ChartCredentials.basicFromFiles(user, right))
              .build();
      try (Rig rig = new Rig(ns, k8s.target(ns, allowed), SyncPolicy.automatic())) {
        rig.commit(values("red"));
        PassResult ok = rig.pass();
        assertThat(ok.status()).as(ok.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(cm(ns, "shop-config")).isNotNull();
      }
    }
  }

  @Test
  void credentialsDoNotFollowARedirectToAnotherHost() throws Exception {
    String ns = "helm-redirect";
    try (ChartRepository repo = new ChartRepository(work, "reader", "s3cret-pass")) {
      repo.publish(ChartPeers.shopChart(ns, "0.1.0"));
      repo.moveArchive("shop-0.1.0.tgz");
      Path user = Files.writeString(work.resolve("user"), "reader\n");
      Path password = Files.writeString(work.resolve("password"), "s3cret-pass\n");
      HelmRelease release =
          HelmRelease.chartFromRepository(repo.url(), "shop", "0.1.0", "shop")
              .namespace(ns)
              .credentials(ChartCredentials.basicFromFiles(user, password))
              .build();
      try (Rig rig = new Rig(ns, k8s().target(ns, release), SyncPolicy.automatic())) {
        rig.commit(values("red"));
        PassResult ok = rig.pass();
        assertThat(ok.status()).as(ok.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(repo.publicRequests.get()).as("the archive came from the other host").isOne();
        assertThat(repo.authorizationsSeenByPublic).isEmpty();
      }
    }
  }

  @Test
  void noMatchingVersionNamesTheConstraintAndTheVersions() throws Exception {
    String ns = "helm-nomatch";
    try (ChartRepository repo = new ChartRepository(work, null, null)) {
      repo.publish(ChartPeers.shopChart(ns, "0.1.0"));
      HelmRelease release =
          HelmRelease.chartFromRepository(repo.url(), "shop", "^2", "shop").namespace(ns).build();
      try (Rig rig = new Rig(ns, k8s().target(ns, release), SyncPolicy.automatic())) {
        rig.commit(values("red"));
        PassResult failed = rig.pass();
        assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
        assertThat(failed.error())
            .contains(repo.url() + "index.yaml")
            .contains("no version of chart shop matches '^2' (versions: [0.1.0])");
        assertThat(List.of(failed.retryable())).containsExactly(false);
      }
    }
  }
}
