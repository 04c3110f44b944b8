package dev.gitops4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's checks of a no-op pass against the real audited API server: a real engine pass over
 * objects in sync, with a stray write sent in the same window through the engine's own client (as a
 * bug in the pass would), must fail the measurement; so must a request the client did not count.
 */
class NoopPassChecksIT {

  private static final String NS = "checks";

  @TempDir static Path work;

  private static AuditedCluster cluster;
  private static RequestCounter counter;
  private static KubernetesClient lib;
  private static Engine engine;

  @BeforeAll
  static void syncFiveObjects() throws Exception {
    cluster = new AuditedCluster(Testbed.get(), work);
    counter = new RequestCounter();
    lib = cluster.client(Harness.LIB_AGENT, counter);
    lib.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path folder = work.resolve("manifests");
    Workload.write(folder, Workload.manifests(5));
    List<PassResult> finished = new CopyOnWriteArrayList<>();
    engine =
        KubernetesFigures.engine(
            KubernetesTarget.builder(lib).defaultNamespace(NS).build(),
            DirectorySource.of(folder),
            SyncPolicy.automatic(),
            finished,
            3600);
    assertThat(engine.trigger(Harness.APP).get(5, TimeUnit.MINUTES).status())
        .isEqualTo(PassStatus.SYNCED);
  }

  @AfterAll
  static void close() {
    if (engine != null) {
      engine.close();
    }
    if (lib != null) {
      lib.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Cost noopPass(Cost.Work stray) throws Exception {
    return Cost.measure(
        cluster,
        counter,
        Harness.LIB_AGENT,
        "no-op pass",
        Cost.READS,
        () -> {
          PassResult result = engine.trigger(Harness.APP).get(5, TimeUnit.MINUTES);
          assertThat(result.status()).isEqualTo(PassStatus.IN_SYNC);
          stray.run();
        });
  }

  @Test
  void aCleanNoOpPassPassesWithReadsOnly() throws Exception {
    Cost cost = noopPass(() -> {});
    assertThat(cost.requests()).isNotEmpty();
    assertThat(Cost.READS).containsAll(cost.requests().keySet());
  }

  @Test
  void aStrayDeleteInANoOpPassFailsTheRun() {
    // An object the engine does not manage, so that the other tests still see a no-op pass.
    try (KubernetesClient admin = cluster.client("observer-bench", new RequestCounter())) {
      admin
          .configMaps()
          .inNamespace(NS)
          .resource(
              new ConfigMapBuilder().withNewMetadata().withName("scratch").endMetadata().build())
          .create();
    }
    assertThatThrownBy(
            () -> noopPass(() -> lib.configMaps().inNamespace(NS).withName("scratch").delete()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-op pass sent delete 1,");
  }

  @Test
  void aStrayUpdateInANoOpPassFailsTheRun() {
    // An update that changes nothing is still an update request.
    assertThatThrownBy(
            () ->
                noopPass(
                    () -> {
                      ConfigMap live = lib.configMaps().inNamespace(NS).withName("cm-0").get();
                      lib.configMaps().inNamespace(NS).resource(live).update();
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-op pass sent update 1,");
  }

  @Test
  void aRequestTheClientDidNotCountFailsTheRun() {
    // Same user agent, no counter: the audit log sees a list the client count lacks.
    assertThatThrownBy(
            () ->
                noopPass(
                    () -> {
                      try (KubernetesClient uncounted =
                          cluster.client(Harness.LIB_AGENT, new RequestCounter())) {
                        uncounted.configMaps().inNamespace(NS).list();
                      }
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("but the API server's audit log has");
  }
}
