package dev.gitops4j.examples.testing;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An engine that runs on the test's thread and the test's clock: passes run inside {@link #pass()}
 * or {@link #advance(Duration)}, so every step of a test is deterministic and nothing waits.
 */
final class Reconciler implements AutoCloseable {

  static final String APP = "workers";
  static final Duration INTERVAL = Duration.ofMinutes(3);

  final ManualClock clock = ManualClock.create();
  final ManualScheduler timers = new ManualScheduler(clock);
  final List<PassResult> passes = new CopyOnWriteArrayList<>();
  private final Engine engine;

  Reconciler(GitRepoFixture repo, Path cache, Target target, SyncPolicy policy) {
    GitSource source =
        GitSource.builder(repo.uri()).ref(GitRef.branch("main")).cacheDir(cache).build();
    engine =
        // Passes run on the calling thread; intervals, retries and debounce wait for advance().
        DeterministicEngine.builder(clock, timers)
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    passes.add(result);
                  }
                })
            .application(
                Application.builder(APP)
                    .source(source)
                    .target(target)
                    .policy(policy)
                    .interval(INTERVAL)
                    .build())
            .build();
  }

  /** A manual pass, run to its end before this returns. */
  PassResult pass() throws Exception {
    return engine.trigger(APP).get(30, TimeUnit.SECONDS);
  }

  /** Moves time on, running the passes that fall due; returns the last pass, if any ran. */
  PassResult advance(Duration duration) {
    int before = passes.size();
    timers.advance(duration);
    return passes.size() > before ? passes.get(passes.size() - 1) : null;
  }

  @Override
  public void close() {
    engine.close();
  }
}
