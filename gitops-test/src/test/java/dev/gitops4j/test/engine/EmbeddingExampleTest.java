package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.test.GitOpsExtension;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The wiring of docs/embedding.md, run against a real repository and the in-memory target. */
@ExtendWith(GitOpsExtension.class)
class EmbeddingExampleTest {

  @Test
  void theDocumentedWiringReconciles(GitRepoFixture repo, @TempDir Path state) throws Exception {
    repo.commit("shop", java.util.Map.of("production/a.yaml", Harness.configMap("a", "1")));
    GitSource source =
        GitSource.builder(repo.uri())
            .ref(GitRef.branch("main"))
            .path("production")
            .cacheDir(state.resolve("git"))
            .build();
    InMemoryTarget system = InMemoryTarget.create();
    Target target =
        Target.builder("my-system")
            .renderer(ManifestRenderer.ofDefaults())
            .sessions(TargetSession.of(system, StructuralDiffer.ofDefaults(), system))
            .inventoryStore(InventoryStore.inDirectory(state.resolve("inventory")))
            .build();
    Application shop =
        Application.builder("shop")
            .source(source)
            .target(target)
            .policy(SyncPolicy.automatic())
            .interval(Duration.ofMinutes(1))
            .build();
    List<String> printed = new CopyOnWriteArrayList<>();

    try (Engine engine =
        Engine.builder()
            .application(shop)
            .history(JsonLinesHistoryStore.open(state.resolve("history.jsonl")))
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    printed.add(
                        result.application()
                            + " "
                            + result.status()
                            + " "
                            + Optional.ofNullable(result.plan())
                                .map(p -> p.summary())
                                .orElse(result.error()));
                  }
                })
            .build()) {
      engine.start();
      PassResult first = engine.trigger("shop").get(60, TimeUnit.SECONDS);
      assertThat(first.status()).isIn(PassStatus.SYNCED, PassStatus.IN_SYNC);
    }

    assertThat(system.ids()).containsExactly(Harness.cm("a"));
    assertThat(printed).contains("shop SYNCED 1 to create, 0 to update, 0 to delete");
    assertThat(InventoryStore.inDirectory(state.resolve("inventory")).load("shop").resources())
        .containsExactly(Harness.cm("a"));
    assertThat(JsonLinesHistoryStore.verify(state.resolve("history.jsonl")).intact()).isTrue();
  }
}
