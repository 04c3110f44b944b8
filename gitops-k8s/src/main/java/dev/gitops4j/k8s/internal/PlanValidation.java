package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.render.InvalidDesiredStateException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Validate all, then apply: every object a plan creates or changes is dry-run on the API server
 * before the first write, so a revision the server rejects writes nothing.
 *
 * <p>Updates were dry-run while observing (that is how drift is predicted), so their verdicts are
 * reused; creates are dry-run here, concurrently and bounded. Objects whose kind or namespace only
 * an earlier wave of the same plan creates (a CRD and its resources, a Namespace and its objects)
 * cannot be dry-run yet: they are dry-run as soon as their wave is reached, before any object of
 * that wave is written.
 */
final class PlanValidation {

  /** Dry runs in flight at once: enough to hide latency, few enough not to load the server. */
  static final int CONCURRENCY = 8;

  private final ApplicationState app;
  private final DryRun dryRun;
  private final Map<ResourceId, Verdict> verdicts;
  private final Map<ResourceId, Integer> waveOf = new HashMap<>();
  private final Map<Integer, List<Step>> deferred = new HashMap<>();
  private final Map<Integer, TargetException> rejectedWaves = new HashMap<>();

  PlanValidation(ApplicationState app, Map<ResourceId, Verdict> verdicts) {
    this.app = app;
    this.dryRun = new DryRun(app);
    this.verdicts = verdicts;
  }

  /** Dry-runs every create and update that can be tried now; remembers the rest by wave. */
  void beforeFirstWrite(Plan plan) throws InvalidDesiredStateException, TargetException {
    List<Problem> problems = new ArrayList<>();
    List<Step> toTry = new ArrayList<>();
    for (Wave wave : plan.waves()) {
      for (Step step : wave.steps()) {
        waveOf.put(step.id(), wave.index());
        if (step.action() == Step.Action.DELETE) {
          continue;
        }
        Verdict verdict = verdicts.get(step.id());
        if (step.action() == Step.Action.UPDATE
            && verdict != null
            && verdict.desired() == step.desired()) {
          if (verdict.rejection() != null) {
            problems.add(rejected(step.desired(), verdict.rejection()));
          }
          continue; // dry-run while observing
        }
        toTry.add(step);
      }
    }
    for (Tried tried : tryAll(toTry)) {
      if (tried.outcome().rejection() != null) {
        problems.add(rejected(tried.step().desired(), tried.outcome().rejection()));
      } else if (tried.outcome().deferred()) {
        deferred
            .computeIfAbsent(waveOf.get(tried.step().id()), w -> new ArrayList<>())
            .add(tried.step());
      }
    }
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparing(p -> p.origin().toString()));
      throw new InvalidDesiredStateException(problems);
    }
  }

  /**
   * Dry-runs, once per wave, the objects of {@code step}'s wave that could not be tried before the
   * first write; a rejection fails every step of that wave before any of them is written.
   */
  synchronized void beforeWaveOf(Step step) throws TargetException {
    Integer wave = waveOf.get(step.id());
    if (wave == null) {
      return;
    }
    List<Step> waiting = deferred.remove(wave);
    if (waiting != null) {
      List<Problem> problems = new ArrayList<>();
      for (Tried tried : tryAll(withNamespace(waiting))) {
        if (tried.outcome().rejection() != null) {
          problems.add(rejected(tried.step().desired(), tried.outcome().rejection()));
        }
      }
      if (!problems.isEmpty()) {
        problems.sort(Comparator.comparing(p -> p.origin().toString()));
        rejectedWaves.put(
            wave,
            new TargetException(
                "wave "
                    + wave
                    + " not applied: "
                    + new InvalidDesiredStateException(problems).getMessage(),
                false));
      }
    }
    TargetException rejection = rejectedWaves.get(wave);
    if (rejection != null) {
      throw rejection;
    }
  }

  /**
   * The steps whose namespace exists by now; the others' namespace is created with them when the
   * target creates namespaces (their stand-in dry run was all that could be done before).
   */
  private List<Step> withNamespace(List<Step> steps) throws TargetException {
    Map<String, Boolean> exists = new HashMap<>();
    List<Step> ready = new ArrayList<>();
    for (Step step : steps) {
      String namespace = step.id().scope();
      if (namespace == null) {
        ready.add(step);
        continue;
      }
      Boolean there = exists.get(namespace);
      if (there == null) {
        try {
          there = app.cluster.client.namespaces().withName(namespace).get() != null;
        } catch (KubernetesClientException e) {
          throw Errors.observe("read namespace " + namespace, e);
        }
        exists.put(namespace, there);
      }
      if (there) {
        ready.add(step);
      }
    }
    return ready;
  }

  private record Tried(Step step, DryRun.Outcome outcome) {}

  private List<Tried> tryAll(List<Step> steps) throws TargetException {
    if (steps.isEmpty()) {
      return List.of();
    }
    if (steps.size() == 1) {
      Step only = steps.get(0);
      return List.of(new Tried(only, dryRun.of(only.desired(), app.hash(only.desired()))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(CONCURRENCY, steps.size()));
    try {
      List<Future<DryRun.Outcome>> futures = new ArrayList<>();
      for (Step step : steps) {
        futures.add(pool.submit(() -> dryRun.of(step.desired(), app.hash(step.desired()))));
      }
      List<Tried> tried = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        tried.add(new Tried(steps.get(i), futures.get(i).get()));
      }
      return tried;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TargetException target) {
        throw target;
      }
      throw new TargetException("dry run failed: " + e.getCause(), true, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException("interrupted while validating", true, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Problem rejected(DesiredResource desired, String reason) {
    return new Problem(desired.origin(), desired.id() + ": rejected by the API server: " + reason);
  }
}
