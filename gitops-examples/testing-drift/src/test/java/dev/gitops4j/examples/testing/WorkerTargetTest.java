package dev.gitops4j.examples.testing;

import static dev.gitops4j.examples.testing.Workers.NAMESPACE;
import static dev.gitops4j.examples.testing.Workers.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.Step;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.test.GitOpsExtension;
import dev.gitops4j.test.GitRepoFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The team's target on the real registry: with the drift logic it converges and stays quiet. */
@ExtendWith(GitOpsExtension.class)
class WorkerTargetTest {

  @TempDir Path cache;
  @TempDir Path dir;

  @Test
  void convergesInOnePassAndKeepsTheAutoscalersReplicasAcrossUpdates(GitRepoFixture repo)
      throws Exception {
    WorkerRegistry registry = new WorkerRegistry(dir.resolve("registry"));
    WorkerTarget workers = new WorkerTarget(registry);
    InventoryStore inventory = InventoryStore.inDirectory(dir.resolve("inventory"));
    repo.commit("checkout worker", files("checkout", "orders"));

    try (Reconciler sync =
        new Reconciler(repo, cache, workers.target(inventory), SyncPolicy.automatic())) {
      assertThat(sync.pass().status()).isEqualTo(PassStatus.SYNCED);
      // The registry filled in defaults and status; the next pass sees no drift and writes nothing.
      long version = registry.read(NAMESPACE, "checkout").orElseThrow().version();
      assertThat(sync.advance(Reconciler.INTERVAL).status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(registry.read(NAMESPACE, "checkout").orElseThrow().version()).isEqualTo(version);

      registry.scale(NAMESPACE, "checkout", 6);
      assertThat(sync.advance(Reconciler.INTERVAL).status()).isEqualTo(PassStatus.IN_SYNC);

      // A real change to the same worker is applied; the registry keeps the autoscaler's replicas
      // because Git does not declare them.
      repo.commit(
          "checkout reads orders-v2",
          Map.of(Workers.path("checkout"), Workers.yaml("checkout", "orders-v2")));
      PassResult update = sync.pass();
      assertThat(update.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(Optional.ofNullable(update.plan()).orElseThrow().count(Step.Action.UPDATE))
          .isEqualTo(1);
      assertThat(update.drift().outOfSync().get(0).changes())
          .extracting(Change::path)
          .containsExactly("/spec/queue");
      var stored = registry.read(NAMESPACE, "checkout").orElseThrow();
      assertThat(stored.manifest().at("/spec/queue").asText()).isEqualTo("orders-v2");
      assertThat(stored.manifest().at("/spec/replicas").asInt()).isEqualTo(6);
      assertThat(stored.managedBy()).isEqualTo(WorkerTarget.MANAGED_BY);
    }
  }

  @Test
  void withThePlainDifferTheRegistryNeverLooksInSync(GitRepoFixture repo) throws Exception {
    WorkerRegistry registry = new WorkerRegistry(dir.resolve("registry"));
    WorkerTarget workers = new WorkerTarget(registry);
    repo.commit("checkout worker", files("checkout", "orders"));
    Target plain =
        Target.builder("plain")
            .renderer(ManifestRenderer.ofDefaults())
            .sessions(TargetSession.of(workers, StructuralDiffer.ofDefaults(), workers))
            .inventoryStore(InventoryStore.inMemory())
            .build();

    try (Reconciler sync = new Reconciler(repo, cache, plain, SyncPolicy.automatic())) {
      sync.pass();
      // Every pass "heals" the registry's own fields: a write each time, forever.
      assertThat(sync.advance(Reconciler.INTERVAL).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(sync.advance(Reconciler.INTERVAL).status()).isEqualTo(PassStatus.SYNCED);
      assertThat(registry.read(NAMESPACE, "checkout").orElseThrow().version()).isEqualTo(3);
    }
  }
}
