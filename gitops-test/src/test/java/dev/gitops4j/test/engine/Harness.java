package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.*;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One application on an engine driven by a manual clock: passes run on the calling thread, so every
 * test step is deterministic.
 */
final class Harness implements AutoCloseable {

  static final String APP = "shop";
  static final Duration INTERVAL = Duration.ofMinutes(3);

  final ManualClock clock = ManualClock.create();
  final ManualScheduler timers = new ManualScheduler(clock);
  final InMemoryTarget target = InMemoryTarget.create();
  final InMemorySource repo = InMemorySource.create("shop-config", clock);
  final CountingSource source = new CountingSource(repo);
  final InMemoryHistoryStore history = new InMemoryHistoryStore();
  // Outlives restarts, as a durable store would.
  final StateStore state = StateStore.inMemory();
  final List<ApprovalRequest> approvals = new CopyOnWriteArrayList<>();
  final List<PassResult> results = new CopyOnWriteArrayList<>();
  Engine engine;

  private final List<SyncWindow> windows;

  Harness(SyncPolicy policy, SyncWindow... windows) {
    this.windows = List.of(windows);
    engine = newEngine(policy);
  }

  /** A fresh engine over the same source, target and history: a restarted process. */
  Engine newEngine(SyncPolicy policy) {
    Application.Builder app =
        Application.builder(APP).source(source).target(target.target()).policy(policy);
    windows.forEach(app::syncWindow);
    return DeterministicEngine.builder(clock, timers)
        .history(history)
        .state(state)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
        .listener(
            new ReconcileListener() {
              @Override
              public void approvalNeeded(ApprovalRequest request) {
                approvals.add(request);
              }

              @Override
              public void passFinished(PassResult result) {
                results.add(result);
              }
            })
        .application(app.interval(INTERVAL).build())
        .build();
  }

  void restart(SyncPolicy policy) {
    engine.close();
    engine = newEngine(policy);
  }

  PassResult pass() throws Exception {
    return engine.trigger(APP).get(30, TimeUnit.SECONDS);
  }

  Inventory inventory() throws IOException {
    return target.inventoryStore().load(APP);
  }

  static ResourceId cm(String name) {
    return ResourceId.of("ConfigMap", "shop", name);
  }

  static String configMap(String name, String value) {
    return "apiVersion: v1\n"
        + "kind: ConfigMap\n"
        + "metadata:\n"
        + "  name: "
        + name
        + "\n"
        + "  namespace: shop\n"
        + "data:\n"
        + "  value: \""
        + value
        + "\"\n";
  }

  static Map<String, String> files(String... namesAndValues) {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      files.put(namesAndValues[i] + ".yaml", configMap(namesAndValues[i], namesAndValues[i + 1]));
    }
    return files;
  }

  /** Every owned resource in the target is in the inventory (invariant 3). */
  void assertNoOrphans() throws IOException {
    Inventory inventory = inventory();
    for (ResourceId id : target.ids()) {
      assertThat(inventory.contains(id)).as("%s is owned but not in the inventory", id).isTrue();
    }
  }

  @Override
  public void close() {
    engine.close();
  }

  /** Counts reads so tests can tell whether a revision was rendered again. */
  static final class CountingSource implements Source {
    final InMemorySource delegate;
    final AtomicInteger reads = new AtomicInteger();
    final List<String> readRevisions = new ArrayList<>();

    CountingSource(InMemorySource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String resolve() throws SourceException {
      return delegate.resolve();
    }

    @Override
    public Snapshot read(String revision) throws SourceException {
      reads.incrementAndGet();
      readRevisions.add(revision);
      return delegate.read(revision);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
