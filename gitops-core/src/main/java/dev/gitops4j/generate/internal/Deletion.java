package dev.gitops4j.generate.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.SyncWindow;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.source.InMemorySource;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The application that deletes what a removed application owns: same name and target (so the same
 * inventory and ownership marks), a source that declares nothing, and a policy that prunes
 * everything. Its pass goes through the engine like any other: ownership is checked before each
 * delete, the inventory is trimmed only after the deletes succeeded, the history records it.
 */
public final class Deletion {

  private Deletion() {}

  public static Application of(Application removed) {
    Target target = removed.target();
    Target.Builder empty =
        Target.builder(target.endpoint())
            .renderer(snapshot -> DesiredState.of(snapshot.revision(), List.of()))
            .sessions(target.sessions())
            .ordering(target.ordering())
            .inventoryStore(target.inventoryStore())
            .waveField(target.waveField())
            .unifiedDiff(target.unifiedDiff());
    target.healthChecks().forEach(empty::healthCheck);
    InMemorySource nothing =
        InMemorySource.create("deletion of " + removed.name(), Clock.systemUTC());
    nothing.commit(Map.of(), "delete " + removed.name());
    Application.Builder deletion =
        Application.builder(removed.name())
            .source(nothing)
            .target(empty.build())
            .policy(
                SyncPolicy.custom()
                    .mode(SyncPolicy.Mode.AUTOMATIC)
                    .prune(true)
                    .allowEmptyPrune(true)
                    .selfHeal(false)
                    .build())
            .interval(removed.interval());
    if (removed.passTimeout() != null) {
      deletion.passTimeout(removed.passTimeout());
    }
    for (SyncWindow window : removed.syncWindows()) {
      deletion.syncWindow(window);
    }
    return deletion.build();
  }
}
