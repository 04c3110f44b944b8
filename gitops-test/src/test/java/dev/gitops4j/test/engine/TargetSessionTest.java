package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.ForwardingSession;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of the pass session: one per pass, closed whatever happens, validated first.
 */
class TargetSessionTest {

  private final ManualClock clock = ManualClock.create();
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final InMemorySource repo = InMemorySource.create("config", clock);
  private final InMemoryTarget memory = InMemoryTarget.create();
  private final List<PassContext> opened = new CopyOnWriteArrayList<>();
  private final List<PassContext> closed = new CopyOnWriteArrayList<>();
  private final AtomicBoolean reject = new AtomicBoolean();

  /** The in-memory target, with sessions that record their lifecycle and can reject plans. */
  private Target target() {
    Target real = memory.target();
    return Target.builder(real.endpoint())
        .renderer(real.renderer())
        .inventoryStore(real.inventoryStore())
        .sessions(context -> new Recording(real.sessions().open(context), context))
        .build();
  }

  private final class Recording extends ForwardingSession {
    private final PassContext context;

    Recording(TargetSession real, PassContext context) {
      super(real);
      this.context = context;
      opened.add(context);
    }

    @Override
    public void validate(Plan plan, ApplyOptions options) throws InvalidDesiredStateException {
      if (reject.get()) {
        Step first = plan.steps().get(0);
        throw new InvalidDesiredStateException(
            new Problem(first.desired().origin(), first.id() + ": refused by the target"));
      }
    }

    @Override
    public void close() {
      closed.add(context);
    }
  }

  private Engine engine() {
    return DeterministicEngine.builder(clock, timers)
        .application(
            Application.builder("shop")
                .source(repo)
                .target(target())
                .policy(SyncPolicy.automatic())
                .interval(Duration.ofMinutes(3))
                .build())
        .build();
  }

  private static String configMap(String name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
  }

  @Test
  void eachPassOpensOneSessionWithItsContextAndClosesIt() throws Exception {
    String revision = repo.commit(Map.of("a.yaml", configMap("a")));
    try (Engine engine = engine()) {
      PassResult first = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).isEqualTo(PassStatus.SYNCED);
      PassResult second = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(second.status()).isEqualTo(PassStatus.IN_SYNC);
    }
    assertThat(opened).hasSize(2);
    assertThat(closed).containsExactlyElementsOf(opened);
    assertThat(opened.get(0).application()).isEqualTo("shop");
    assertThat(opened.get(0).revision()).isEqualTo(revision);
    assertThat(opened.get(0).inventory().isEmpty()).isTrue();
    assertThat(opened.get(1).inventory().resources()).hasSize(1);
  }

  @Test
  void aSessionIsClosedWhenItsPassFails() throws Exception {
    repo.commit(Map.of("a.yaml", configMap("a")));
    memory.failWhen(step -> true, new TargetException("disk full", false));
    try (Engine engine = engine()) {
      PassResult failed = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
    }
    assertThat(opened).hasSize(1);
    assertThat(closed).containsExactlyElementsOf(opened);
  }

  @Test
  void validateAllThenApplyARejectedPlanWritesNothingAndTheRevisionIsInvalid() throws Exception {
    repo.commit(Map.of("a.yaml", configMap("a"), "b.yaml", configMap("b")));
    reject.set(true);
    try (Engine engine = engine()) {
      PassResult rejected = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(rejected.status()).isEqualTo(PassStatus.FAILED);
      assertThat(rejected.retryable()).isFalse();
      assertThat(rejected.error()).contains("is invalid").contains("a.yaml:1");
      assertThat(rejected.results()).isEmpty();
      assertThat(memory.operations().stream().filter(o -> o.action() != null)).isEmpty();
      assertThat(memory.inventoryStore().load("shop").isEmpty())
          .as("nothing recorded ahead of writes that never came")
          .isTrue();

      timers.advance(Duration.ofMinutes(3));
      assertThat(engine.lastResult("shop").orElseThrow().error())
          .contains("not retried until the revision changes");

      reject.set(false);
      repo.commit(Map.of("a.yaml", configMap("a")));
      timers.advance(Duration.ofMinutes(3));
      assertThat(engine.lastResult("shop").orElseThrow().status()).isEqualTo(PassStatus.SYNCED);
    }
    assertThat(closed).hasSize(opened.size());
  }
}
