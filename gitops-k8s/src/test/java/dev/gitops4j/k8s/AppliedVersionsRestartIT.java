package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.state.StateStore;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applied-version memory kept in the engine's state store: a restarted process trusts the
 * objects it last applied (no dry run), and still sees every change made meanwhile.
 */
class AppliedVersionsRestartIT extends CountedCluster {

  static final String NS = "applied-versions";
  static final int OBJECTS = 30;

  @TempDir Path dir;

  @BeforeAll
  static void namespace() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  private static Map<String, String> revision() {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < OBJECTS; i++) {
      files.put("cm-" + i + ".yaml", configMap(NS, "cm-" + i, "v" + i));
    }
    return files;
  }

  /** One process: a target and an engine over {@code state} (null: nothing outlives it). */
  private static PassResult passInANewProcess(String app, InMemorySource repo, StateStore state)
      throws Exception {
    KubernetesTarget.Builder builder = KubernetesTarget.builder(client);
    Engine.Builder engine = Engine.builder();
    if (state != null) {
      builder.state(state);
      engine.state(state);
    }
    try (KubernetesTarget k8s = builder.build();
        Engine running =
            engine
                .application(
                    Application.builder(app)
                        .source(repo)
                        .target(k8s.target(app))
                        .policy(SyncPolicy.automatic())
                        .interval(Duration.ofHours(1))
                        .build())
                .build()) {
      return running.trigger(app).get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRestartedProcessDryRunsNothingThatItLastAppliedItself() throws Exception {
    StateStore state = StateStore.inDirectory(dir);
    InMemorySource repo = InMemorySource.create();
    repo.commit(revision());
    assertThat(passInANewProcess("remembered", repo, state).status()).isEqualTo(PassStatus.SYNCED);

    counter.reset();
    PassResult afterRestart = passInANewProcess("remembered", repo, state);
    assertThat(afterRestart.status()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(counter.dryRuns).hasValue(0);
    assertThat(counter.writes).hasValue(0);

    // Without the store the same restart costs one dry run per object.
    counter.reset();
    assertThat(passInANewProcess("remembered", repo, null).status()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(counter.dryRuns).hasValue(OBJECTS);
  }

  @Test
  void aChangeMadeWhileNoProcessRanIsStillSeenAndCorrected() throws Exception {
    StateStore state = StateStore.inDirectory(dir);
    InMemorySource repo = InMemorySource.create();
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      files.put("edited-" + i + ".yaml", configMap(NS, "edited-" + i, "declared"));
    }
    repo.commit(files);
    assertThat(passInANewProcess("edited", repo, state).status()).isEqualTo(PassStatus.SYNCED);

    client
        .configMaps()
        .inNamespace(NS)
        .withName("edited-1")
        .edit(
            map -> {
              map.getData().put("value", "by hand");
              return map;
            });

    counter.reset();
    PassResult afterRestart = passInANewProcess("edited", repo, state);
    assertThat(afterRestart.status()).isEqualTo(PassStatus.SYNCED);
    assertThat(afterRestart.writes()).isEqualTo(1);
    assertThat(client.configMaps().inNamespace(NS).withName("edited-1").get().getData())
        .containsEntry("value", "declared");
  }
}
