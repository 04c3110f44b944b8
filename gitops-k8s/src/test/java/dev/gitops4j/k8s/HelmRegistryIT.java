package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.test.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Charts from a real OCI registry (distribution, on 127.0.0.1, pushed to by the real {@code helm
 * push}), fetched over the registry API, rendered by the real helm, applied to the real API server.
 */
class HelmRegistryIT extends CountedCluster {

  @TempDir static Path work;
  static Testbed.Server registry;
  static String repository;

  @BeforeAll
  static void startRegistry() {
    registry = Testbed.get().ociRegistry(work.resolve("registry"));
    repository = "oci://127.0.0.1:" + registry.port() + "/charts";
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Pushes the shop chart in {@code version}; the manifest digest helm reports. */
  static String push(String namespace, String version) {
    Path archive =
        ChartPeers.packageChart(
            work, ChartPeers.shopChart(namespace, version), work.resolve("archives"));
    String out = ChartPeers.helm(work, "push", archive.toString(), repository, "--plain-http");
    Matcher m = Pattern.compile("Digest: (sha256:[0-9a-f]{64})").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  KubernetesTarget k8s() {
    return KubernetesTarget.builder(client)
        .helm(Testbed.get().helm())
        .chartCache(work.resolve("chart-cache"))
        .createNamespaces(true)
        .build();
  }

  @Test
  void chartByTagAndByDigestIsDeployedAndItsDigestRecorded() throws Exception {
    String ns = "helm-oci";
    String digest = push(ns, "0.1.0");
    HelmRelease byTag =
        HelmRelease.chartFromRegistry(repository + "/shop:0.1.0", "shop")
            .namespace(ns)
            .valuesFile("values-prod.yaml")
            .plainHttp()
            .refreshEvery(Duration.ofHours(1))
            .build();
    Target target = k8s().target(ns, byTag);
    try (Rig rig = new Rig(ns, target, SyncPolicy.automatic())) {
      rig.commit(HelmRepositoryIT.values("red"));
      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(client.configMaps().inNamespace(ns).withName("shop-config").get().getData())
          .containsEntry("chart", "0.1.0")
          .containsEntry("color", "red");
      assertThat(rig.history.list(ns, 1).get(0).inputs())
          .isEqualTo(
              "chart shop 0.1.0 "
                  + digest
                  + " from oci://127.0.0.1:"
                  + registry.port()
                  + "/charts/shop");

      counter.reset();
      PassResult noop = rig.pass();
      assertThat(noop.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get() + counter.dryRuns.get()).isZero();
      assertThat(HelmIT.helmRuns(target)).isEqualTo(1);
    }

    // Pinned by digest: the same chart, the same objects (already there: nothing to write).
    HelmRelease byDigest =
        HelmRelease.chartFromRegistry(repository + "/shop@" + digest, "shop")
            .namespace(ns)
            .valuesFile("values-prod.yaml")
            .plainHttp()
            .build();
    Target pinned = k8s().target(ns, byDigest);
    try (Rig rig = new Rig(ns, pinned, SyncPolicy.automatic())) {
      rig.commit(HelmRepositoryIT.values("blue"));
      PassResult result = rig.pass();
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(result.writes()).as("only the values change").isEqualTo(1);
      assertThat(client.configMaps().inNamespace(ns).withName("shop-config").get().getData())
          .containsEntry("color", "blue");
      assertThat(rig.history.list(ns, 1).get(0).inputs()).contains(digest);
    }
  }

  @Test
  void aDigestTheRegistryDoesNotHoldIsAClearErrorAndNothingIsApplied() throws Exception {
    String ns = "helm-oci-missing";
    push(ns, "0.1.0");
    String absent = "sha256:" + "ab".repeat(32);
    HelmRelease release =
        HelmRelease.chartFromRegistry(repository + "/shop@" + absent, "shop")
            .namespace(ns)
            .plainHttp()
            .build();
    try (Rig rig = new Rig(ns, k8s().target(ns, release), SyncPolicy.automatic())) {
      rig.commit(HelmRepositoryIT.values("red"));
      counter.reset();
      PassResult failed = rig.pass();
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error()).contains("/v2/charts/shop/manifests/" + absent + " not found");
      assertThat(counter.writes.get()).isZero();
      assertThat(client.namespaces().withName(ns).get()).isNull();
    }
  }

  @Test
  void aRegistryBehindBasicAuthTakesCredentialsFromFilesAndRefusesWrongOnesClearly()
      throws Exception {
    String ns = "helm-oci-auth";
    String digest = push(ns, "0.1.0");
    // The same storage served again, now behind htpasswd (bcrypt, as distribution expects).
    Path htpasswd =
        java.nio.file.Files.writeString(
            work.resolve("htpasswd"),
            "puller:"
                + org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate(
                    "2y", "pull-s3cret".toCharArray(), new byte[16], 6)
                + "\n");
    try (Testbed.Server locked = Testbed.get().ociRegistry(work.resolve("registry"), htpasswd)) {
      String reference = "oci://127.0.0.1:" + locked.port() + "/charts/shop@" + digest;
      Path user = java.nio.file.Files.writeString(work.resolve("user"), "puller\n");
      Path wrong = java.nio.file.Files.writeString(work.resolve("wrong"), "not-the-one\n");
      Path right = java.nio.file.Files.writeString(work.resolve("right"), "pull-s3cret\n");

      HelmRelease anonymous =
          HelmRelease.chartFromRegistry(reference, "shop").namespace(ns).plainHttp().build();
      try (Rig rig =
          new Rig(ns + "-anon", k8s().target(ns + "-anon", anonymous), SyncPolicy.automatic())) {
        rig.commit(HelmRepositoryIT.values("red"));
        PassResult failed = rig.pass();
        assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
        assertThat(failed.error()).contains("refused access (HTTP 401): it needs credentials");
      }

      HelmRelease denied =
          HelmRelease.chartFromRegistry(reference, "shop")
              .namespace(ns)
              .plainHttp()
              .credentials(ChartCredentials.basicFromFiles(user, wrong))
              .build();
      try (Rig rig =
          new Rig(ns + "-denied", k8s().target(ns + "-denied", denied), SyncPolicy.automatic())) {
        rig.commit(HelmRepositoryIT.values("red"));
        counter.reset();
        PassResult failed = rig.pass();
        assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
        assertThat(failed.error())
            .contains("refused access (HTTP 401)")
            .contains("the credentials (basic auth from files " + user + ", " + wrong + ")")
            .doesNotContain("not-the-one");
        assertThat(counter.writes.get()).isZero();
        assertThat(client.namespaces().withName(ns).get()).isNull();
      }

      HelmRelease allowed =
          HelmRelease.chartFromRegistry(reference, "shop")
              .namespace(ns)
              .plainHttp()
              .credentials(ChartCredentials.basicFromFiles(user, right))
              .build();
      try (Rig rig = new Rig(ns, k8s().target(ns, allowed), SyncPolicy.automatic())) {
        rig.commit(HelmRepositoryIT.values("red"));
        PassResult ok = rig.pass();
        assertThat(ok.status()).as(ok.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(rig.history.list(ns, 1).get(0).inputs()).contains(digest);
      }
    }
  }
}
