package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reports drift from the verdicts the live-state provider reached for the same observation (fast
 * path or dry-run prediction); without one, compares the declared fields with the live object.
 */
final class KubeDiffer {

  private final ApplicationState app;

  KubeDiffer(ApplicationState app) {
    this.app = app;
  }

  DriftReport diff(DesiredState desired, LiveState live, Map<ResourceId, Verdict> verdicts) {
    List<Drift> drifts = new ArrayList<>(desired.size() + 4);
    for (DesiredResource resource : desired.resources().values()) {
      LiveResource observed = live.resources().get(resource.id());
      if (observed == null) {
        drifts.add(Drift.missing(resource));
        continue;
      }
      Verdict verdict = verdicts.get(resource.id());
      List<Change> changes;
      if (verdict != null
          && verdict.desired() == resource
          && Objects.equals(verdict.liveVersion(), observed.version())) {
        changes = verdict.changes();
      } else {
        changes =
            app.cluster.comparison.declaredChanges(
                resource.id(),
                OwnershipMarks.marked(resource.body(), app.application, app.hash(resource)),
                observed.body());
      }
      drifts.add(
          changes.isEmpty()
              ? Drift.inSync(resource, observed)
              : Drift.modified(resource, observed, changes));
    }
    live.resources().values().stream()
        .filter(r -> !desired.resources().containsKey(r.id()))
        // Hooks are not pruned: once run they stay until their delete policy removes them.
        .filter(r -> !Hooks.isHook(r.body()))
        .sorted(Comparator.comparing(LiveResource::id))
        .forEach(r -> drifts.add(Drift.extraneous(r)));
    return new DriftReport(desired.revision(), drifts);
  }
}
