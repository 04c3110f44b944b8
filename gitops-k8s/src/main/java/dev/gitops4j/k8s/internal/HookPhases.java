package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.k8s.health.internal.CoreHealth;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.plan.Planner;
import dev.gitops4j.sync.ApplyOptions;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hooks of one pass (see {@link Hooks}). Hooks that already ran for the revision are set aside
 * for the pass; the others are planned like any object, in the wave of their phase. Before each
 * wave, and before the pass ends, the hooks of the earlier waves are read: a Job (or Pod) that
 * completed lets the pass go on and is recorded in {@link HookRuns}; one still running holds the
 * pass ({@code PROGRESSING}); one that failed fails it, and its later phases and objects are not
 * written. PostSync hooks start only once every other object is healthy. SyncFail hooks are created
 * only when the pass failed. Delete policies are applied when the session closes, after the run was
 * recorded, so a deleted hook is not created again for the same revision.
 */
final class HookPhases {

  private static final Logger LOG = LoggerFactory.getLogger(HookPhases.class);

  /** A hook recorded as failed for the revision, with the wave it ran in. */
  private record Failed(int wave, String message) {}

  private final ApplicationState app;
  private final KubeApplier applier;
  private HookRuns runs;
  private String revision;
  private final Map<ResourceId, DesiredResource> pending = new LinkedHashMap<>();
  private final Map<ResourceId, Failed> failed = new LinkedHashMap<>();
  private final List<DesiredResource> syncFail = new ArrayList<>();
  private final List<DesiredResource> main = new ArrayList<>();
  private final List<LiveResource> toDelete = new ArrayList<>();

  HookPhases(ApplicationState app, KubeApplier applier) {
    this.app = app;
    this.applier = applier;
  }

  /** The rendered state without the hooks that already ran for its revision, nor SyncFail hooks. */
  DesiredState forPass(DesiredState rendered) throws TargetException {
    if (rendered.resources().values().stream().noneMatch(r -> Hooks.isHook(r.body()))) {
      return rendered;
    }
    revision = rendered.revision();
    runs = HookRuns.load(app.cluster, app.application, revision);
    List<DesiredResource> out = new ArrayList<>();
    for (DesiredResource resource : rendered.resources().values()) {
      Hooks.Phase phase = Hooks.phase(resource.body());
      HookRuns.Run run = phase == null ? null : runs.get(resource.id());
      if (phase == null) {
        main.add(resource);
        out.add(resource);
      } else if (phase == Hooks.Phase.SYNC_FAIL) {
        if (run == null) {
          syncFail.add(resource);
        }
      } else if (run == null) {
        pending.put(resource.id(), resource);
        out.add(resource);
      } else if (run.outcome() == HookRuns.Outcome.FAILED) {
        failed.put(resource.id(), new Failed(wave(resource), run.message()));
      }
    }
    return DesiredState.of(revision, out);
  }

  /** SyncFail hooks as creates, so that they are validated with the plan. */
  List<Step> syncFailSteps() {
    return syncFail.stream()
        .map(hook -> new Step(Step.Action.CREATE, hook.id(), hook, null, List.of()))
        .toList();
  }

  /**
   * What the pass waits for before {@code next} (null: before it ends): null to go on.
   *
   * @throws TargetException when a hook of an earlier wave failed or ran out of time (not
   *     retryable), or an object is degraded before PostSync hooks start (retryable)
   */
  String holdBefore(Wave next, List<StepResult> resultsSoFar) throws TargetException {
    if (runs == null) {
      return null;
    }
    int nextWave = Integer.MAX_VALUE;
    boolean startsPostSync = false;
    if (next != null) {
      if (next.steps().stream().allMatch(step -> step.action() == Step.Action.DELETE)) {
        return null;
      }
      for (Step step : next.steps()) {
        if (step.desired() != null) {
          nextWave = Math.min(nextWave, wave(step.desired()));
          startsPostSync |= Hooks.phase(step.desired().body()) == Hooks.Phase.POST_SYNC;
        }
      }
    }
    for (Map.Entry<ResourceId, Failed> entry : failed.entrySet()) {
      if (entry.getValue().wave() < nextWave) {
        throw new TargetException(
            entry.getValue().message()
                + " (recorded for revision "
                + revision
                + "; hooks run again for a new revision)",
            false);
      }
    }
    String waiting = null;
    TargetException failure = null;
    List<ResourceId> done = new ArrayList<>();
    for (DesiredResource hook : pending.values()) {
      int wave = wave(hook);
      if (wave >= nextWave) {
        continue;
      }
      String name = Hooks.phase(hook.body()).label + " hook " + hook.id();
      Optional<LiveResource> live = read(hook);
      if (live.isEmpty()) {
        waiting = waiting != null ? waiting : name + " is not there yet";
        continue;
      }
      Health status = statusOf(live.get());
      if (status.status() == HealthStatus.HEALTHY) {
        runs.put(hook.id(), HookRuns.Outcome.SUCCEEDED, name + " succeeded");
        done.add(hook.id());
        if (Hooks.deletePolicies(hook.body()).contains(Hooks.DeletePolicy.HOOK_SUCCEEDED)) {
          toDelete.add(live.get());
        }
        continue;
      }
      String message = null;
      if (status.status() == HealthStatus.DEGRADED) {
        message = name + " failed: " + status.message();
      } else if (outOfTime(hook, live.get())) {
        message =
            name
                + " did not complete within its "
                + Hooks.TIMEOUT
                + " "
                + Hooks.timeout(hook.body());
      }
      if (message != null) {
        runs.put(hook.id(), HookRuns.Outcome.FAILED, message);
        done.add(hook.id());
        failed.put(hook.id(), new Failed(wave, message));
        if (Hooks.deletePolicies(hook.body()).contains(Hooks.DeletePolicy.HOOK_FAILED)) {
          toDelete.add(live.get());
        }
        failure = failure != null ? failure : new TargetException(message, false);
        continue;
      }
      waiting = waiting != null ? waiting : name + " is running: " + status.message();
    }
    done.forEach(pending::remove);
    runs.saveIfChanged();
    if (failure != null) {
      throw failure;
    }
    if (waiting == null && startsPostSync) {
      waiting = unhealthyBeforePostSync();
    }
    return waiting;
  }

  /** Creates the SyncFail hooks not yet run for the revision; the pass stays failed. */
  void passFailed(String error) {
    if (runs == null || syncFail.isEmpty()) {
      return;
    }
    LOG.info("pass failed ({}); running {} SyncFail hook(s)", error, syncFail.size());
    for (DesiredResource hook : syncFail) {
      try {
        Optional<LiveResource> live = read(hook);
        if (live.isEmpty() || !revision.equals(Hooks.revisionOf(live.get().body()))) {
          Step step =
              new Step(
                  live.isEmpty() ? Step.Action.CREATE : Step.Action.UPDATE,
                  hook.id(),
                  hook,
                  live.orElse(null),
                  List.of());
          applier.apply(step, ApplyOptions.defaults());
        }
        runs.put(hook.id(), HookRuns.Outcome.STARTED, "SyncFail hook " + hook.id() + " created");
      } catch (TargetException | RuntimeException e) {
        LOG.warn("SyncFail hook {} could not be created: {}", hook.id(), e.getMessage());
      }
    }
    syncFail.clear();
    try {
      runs.saveIfChanged();
    } catch (TargetException e) {
      LOG.warn("cannot record the SyncFail hooks run: {}", e.getMessage());
    }
  }

  /** Applies the delete policies of the hooks that finished in this pass (already recorded). */
  void close() {
    for (LiveResource live : toDelete) {
      try {
        Optional<KindInfo> kind =
            app.cluster.discovery.find(live.id().kind(), live.body().path("apiVersion").asText());
        if (kind.isPresent()) {
          app.cluster.deleteExactly(
              kind.get(),
              live.id(),
              live.body().path("metadata").path("uid").asText(null),
              null,
              "Background");
          app.cluster.versions.remove(live.id());
          LOG.info("{}: deleted after its run (hook delete policy)", live.id());
        }
      } catch (TargetException | KubernetesClientException e) {
        LOG.warn("{}: cannot delete the hook after its run: {}", live.id(), e.getMessage());
      }
    }
    toDelete.clear();
  }

  /** Why PostSync hooks cannot start yet: an object of the pass is not healthy; null if all are. */
  private String unhealthyBeforePostSync() throws TargetException {
    for (DesiredResource resource : main) {
      Optional<LiveResource> live = read(resource);
      Health health =
          live.isEmpty()
              ? Health.of(HealthStatus.MISSING, "not found in the target")
              : app.health(live.get());
      HealthStatus status = health.status();
      if (status == HealthStatus.HEALTHY || status == HealthStatus.SUSPENDED) {
        continue;
      }
      String what =
          resource.id()
              + " is "
              + status
              + (health.message().isEmpty() ? "" : ": " + health.message());
      if (status == HealthStatus.DEGRADED) {
        throw new TargetException("PostSync hooks not started: " + what, true);
      }
      return "PostSync hooks wait for " + what;
    }
    return null;
  }

  /** Whether a hook ran (its Job or Pod finished): healthy succeeded, degraded failed. */
  private static Health statusOf(LiveResource live) {
    String kind = live.id().kind();
    if (kind.equals("batch/Job")) {
      return CoreHealth.job(live.body());
    }
    if (kind.equals("Pod")) {
      String phase = live.body().path("status").path("phase").asText("");
      return switch (phase) {
        case "Succeeded" -> Health.of(HealthStatus.HEALTHY, "pod succeeded");
        case "Failed" ->
            Health.of(
                HealthStatus.DEGRADED,
                "pod failed " + live.body().path("status").path("message").asText(""));
        default -> Health.of(HealthStatus.PROGRESSING, "pod is " + phase);
      };
    }
    return Health.of(HealthStatus.HEALTHY, "created");
  }

  private static boolean outOfTime(DesiredResource hook, LiveResource live) {
    Duration timeout = Hooks.timeout(hook.body());
    if (timeout == null) {
      return false;
    }
    try {
      Instant created =
          Instant.parse(live.body().path("metadata").path("creationTimestamp").asText());
      return Instant.now().isAfter(created.plus(timeout));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private Optional<LiveResource> read(DesiredResource resource) throws TargetException {
    String apiVersion = resource.body().path("apiVersion").asText(null);
    Optional<KindInfo> kind = app.cluster.discovery.find(resource.id().kind(), apiVersion);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode body = Cluster.toJson(app.cluster.resource(kind.get(), resource.id()).get());
      return body == null
          ? Optional.empty()
          : Optional.of(
              new LiveResource(
                  resource.id(),
                  body,
                  OwnershipMarks.resourceVersion(body),
                  OwnershipMarks.ownedBy(body, app.application)));
    } catch (KubernetesClientException e) {
      throw Errors.observe("read " + resource.id(), e);
    }
  }

  private static int wave(DesiredResource resource) {
    return Planner.explicitWave(resource.body(), KubernetesTarget.WAVE_FIELD);
  }
}
