package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.test.InMemoryTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A renderer that reads something besides the revision (a chart of a repository, say) tells the
 * engine through {@link Renderer#externalInputs()}: a change renders the same revision again, and
 * the history records what was read.
 */
class ExternalInputsTest {

  /** Renders the snapshot plus a ConfigMap holding the current input. */
  static final class ChartLikeRenderer implements Renderer {
    final AtomicReference<String> input = new AtomicReference<>("chart web 1.0.0");
    final AtomicReference<String> unresolvable = new AtomicReference<>();
    final AtomicInteger renders = new AtomicInteger();

    @Override
    public DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException {
      renders.incrementAndGet();
      List<SourceFile> files = new ArrayList<>(snapshot.files());
      files.addAll(
          snapshot.files().isEmpty()
              ? List.of()
              : List.of(
                  SourceFile.of("from-input.yaml", Harness.configMap("from-input", input.get()))));
      return ManifestRenderer.ofDefaults()
          .render(new Snapshot(snapshot.revision(), snapshot.commit(), files));
    }

    @Override
    public String externalInputs() throws InvalidDesiredStateException {
      if (unresolvable.get() != null) {
        throw new InvalidDesiredStateException(
            new Problem(Origin.of("https://charts.example.org/index.yaml", 0), unresolvable.get()));
      }
      return input.get();
    }
  }

  @Test
  void aChangedInputRendersTheSameRevisionAgainAndIsRecorded() throws Exception {
    InMemorySource source = InMemorySource.create();
    String revision = source.commit(files("a", "1"));
    InMemoryTarget memory = InMemoryTarget.create();
    ChartLikeRenderer renderer = new ChartLikeRenderer();
    Target target =
        Target.builder("memory")
            .renderer(renderer)
            .sessions(
                TargetSession.of(memory, dev.gitops4j.diff.StructuralDiffer.ofDefaults(), memory))
            .inventoryStore(memory.inventoryStore())
            .build();
    InMemoryHistoryStore history = new InMemoryHistoryStore();
    try (Engine engine =
        Engine.builder()
            .passExecutor(Runnable::run)
            .history(history)
            .application(Application.builder("shop").source(source).target(target).build())
            .build()) {
      PassResult first = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(history.list("shop", 1).get(0).inputs()).isEqualTo("chart web 1.0.0");

      PassResult noop = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(noop.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(renderer.renders).as("unchanged revision and inputs").hasValue(1);

      renderer.input.set("chart web 1.1.0");
      PassResult moved = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(moved.status()).as(moved.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(moved.revision()).isEqualTo(revision);
      assertThat(moved.writes()).isEqualTo(1);
      assertThat(renderer.renders).hasValue(2);
      assertThat(history.list("shop", 1).get(0).inputs()).isEqualTo("chart web 1.1.0");

      renderer.unresolvable.set("digest mismatch");
      int operations = memory.operations().size();
      PassResult failed = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.retryable()).isFalse();
      assertThat(failed.error())
          .isEqualTo(
              "revision "
                  + revision
                  + " is invalid: https://charts.example.org/index.yaml: digest mismatch");
      assertThat(memory.operations()).as("nothing applied").hasSize(operations);
      assertThat(renderer.renders).hasValue(2);
    }
  }
}
