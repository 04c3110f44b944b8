package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A started engine reads the objects it watches from its watches: a pass over an in-sync
 * application sends no request but the inventory read, while every change made by hand is still
 * read from the API server and corrected.
 */
class WatchCacheIT extends CountedCluster {

  static final String NS = "watch-cache";
  static final int OBJECTS = 40;

  @BeforeAll
  static void namespace() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  private static Map<String, String> revision(String app, String value) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < OBJECTS; i++) {
      files.put("cm-" + i + ".yaml", configMap(NS, app + "-" + i, value + i));
    }
    return files;
  }

  private static ConfigMap cm(String name) {
    return client.configMaps().inNamespace(NS).withName(name).get();
  }

  private static String value(String name) {
    ConfigMap map = cm(name);
    return map == null || map.getData() == null ? null : map.getData().get("value");
  }

  private static Engine started(String app, InMemorySource repo, AtomicInteger passes) {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    Engine engine =
        Engine.builder()
            .eventDebounce(Duration.ofMillis(200))
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    passes.incrementAndGet();
                  }
                })
            .application(
                Application.builder(app)
                    .source(repo)
                    .target(k8s.target(app))
                    .policy(SyncPolicy.automatic())
                    .interval(Duration.ofHours(1))
                    .build())
            .build();
    engine.start();
    return engine;
  }

  /** Triggers passes until one is in sync with only the inventory read, as once watches listed. */
  private static boolean passesFromTheWatches(Engine engine, String app) throws Exception {
    return TestCluster.await(
        Duration.ofSeconds(30),
        () -> {
          try {
            counter.reset();
            PassResult result = engine.trigger(app).get(60, TimeUnit.SECONDS);
            return result.status() == PassStatus.IN_SYNC
                && counter.reads.get() == 1
                && counter.writes.get() == 0
                && counter.dryRuns.get() == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void anInSyncPassReadsOnlyTheInventoryAndHandChangesAreStillHealed() throws Exception {
    String app = "watched";
    InMemorySource repo = InMemorySource.create();
    repo.commit(revision(app, "v"));
    AtomicInteger passes = new AtomicInteger();
    try (Engine engine = started(app, repo, passes)) {
      assertThat(TestCluster.await(Duration.ofSeconds(60), () -> passes.get() >= 1)).isTrue();
      assertThat(value(app + "-3")).isEqualTo("v3");

      // The first pass read every object from the API server; once the watches have listed,
      // a pass over the same revision reads only the inventory.
      assertThat(passesFromTheWatches(engine, app)).as("a pass served by the watches").isTrue();

      // A hand edit: the watch reports it, the object is read again and corrected.
      client
          .configMaps()
          .inNamespace(NS)
          .withName(app + "-3")
          .edit(c -> new ConfigMapBuilder(c).addToData("value", "by hand").build());
      assertThat(TestCluster.await(Duration.ofSeconds(20), () -> "v3".equals(value(app + "-3"))))
          .as("hand edit healed")
          .isTrue();

      // A hand delete: recreated.
      client.configMaps().inNamespace(NS).withName(app + "-5").delete();
      assertThat(TestCluster.await(Duration.ofSeconds(20), () -> "v5".equals(value(app + "-5"))))
          .as("hand delete healed")
          .isTrue();

      // The application label removed by hand: the object leaves the watch's selection, so the
      // pass reads it from the API server and puts the label back.
      client
          .configMaps()
          .inNamespace(NS)
          .withName(app + "-7")
          .edit(
              c ->
                  new ConfigMapBuilder(c)
                      .editMetadata()
                      .removeFromLabels(dev.gitops4j.k8s.internal.OwnershipMarks.APPLICATION_LABEL)
                      .endMetadata()
                      .build());
      assertThat(
              TestCluster.await(
                  Duration.ofSeconds(20),
                  () ->
                      app.equals(
                          cm(app + "-7")
                              .getMetadata()
                              .getLabels()
                              .get(dev.gitops4j.k8s.internal.OwnershipMarks.APPLICATION_LABEL))))
          .as("label put back")
          .isTrue();

      assertThat(passesFromTheWatches(engine, app)).as("served by the watches again").isTrue();
    }
  }

  @Test
  void anObjectJustAppliedIsNotAppliedAgainWhileTheWatchCatchesUp() throws Exception {
    String app = "lagging";
    InMemorySource repo = InMemorySource.create();
    repo.commit(revision(app, "v"));
    AtomicInteger passes = new AtomicInteger();
    try (Engine engine = started(app, repo, passes)) {
      assertThat(TestCluster.await(Duration.ofSeconds(60), () -> passes.get() >= 1)).isTrue();
      assertThat(passesFromTheWatches(engine, app)).isTrue();
      for (int round = 0; round < 5; round++) {
        Map<String, String> files = revision(app, "v");
        files.put("cm-0.yaml", configMap(NS, app + "-0", "round-" + round));
        repo.commit(files);
        PassResult applied = engine.trigger(app).get(60, TimeUnit.SECONDS);
        assertThat(applied.status()).isEqualTo(PassStatus.SYNCED);
        assertThat(applied.writes()).isEqualTo(1);
        // At once: the watch may not have delivered the apply yet; the copy it holds is older
        // than what this process applied, so it is read again, not trusted.
        counter.reset();
        PassResult next = engine.trigger(app).get(60, TimeUnit.SECONDS);
        assertThat(next.status()).as("round " + round).isEqualTo(PassStatus.IN_SYNC);
        assertThat(counter.writes.get()).as("round " + round).isZero();
        assertThat(counter.dryRuns.get()).as("round " + round).isZero();
        assertThat(value(app + "-0")).isEqualTo("round-" + round);
      }
    }
  }
}
