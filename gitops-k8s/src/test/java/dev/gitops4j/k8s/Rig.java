package dev.gitops4j.k8s;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.WaveHealth;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One application on an engine whose passes run on the calling thread. */
final class Rig implements AutoCloseable {

  final ManualClock clock = ManualClock.create();
  final ManualScheduler timers = new ManualScheduler(clock);
  final InMemorySource repo;
  final InMemoryHistoryStore history = new InMemoryHistoryStore();
  final String app;
  final WaveHealth waveHealth;
  Engine engine;

  Rig(String app, Target target, SyncPolicy policy) {
    this(app, target, policy, null);
  }

  /** With health-gated waves when {@code waveHealth} is not null. */
  Rig(String app, Target target, SyncPolicy policy, WaveHealth waveHealth) {
    this.app = app;
    this.waveHealth = waveHealth;
    this.repo = InMemorySource.create(app + "-config", clock);
    this.engine = engine(target, policy);
  }

  Engine engine(Target target, SyncPolicy policy) {
    Application.Builder application =
        Application.builder(app)
            .source(repo)
            .target(target)
            .policy(policy)
            .interval(Duration.ofHours(1));
    if (waveHealth != null) {
      application.waveHealth(waveHealth);
    }
    return DeterministicEngine.builder(clock, timers)
        .history(history)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
        .application(application.build())
        .build();
  }

  void restart(Target target, SyncPolicy policy) {
    engine.close();
    engine = engine(target, policy);
  }

  PassResult pass() throws Exception {
    return engine.trigger(app).get(120, TimeUnit.SECONDS);
  }

  String commit(Map<String, String> files) {
    return repo.commit(files);
  }

  static Map<String, String> files(String... pathsAndContents) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      files.put(pathsAndContents[i], pathsAndContents[i + 1]);
    }
    return files;
  }

  static String configMap(String namespace, String name, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + (namespace == null ? "" : "\n  namespace: " + namespace)
        + "\ndata:\n  value: \""
        + value
        + "\"\n";
  }

  static String namespace(String name) {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n";
  }

  @Override
  public void close() {
    engine.close();
  }
}
