package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sync hooks: objects annotated {@code gitops4j.dev/hook} (or Argo CD's {@code
 * argocd.argoproj.io/hook}) with {@code PreSync}, {@code Sync}, {@code PostSync} or {@code
 * SyncFail}. At render time each hook gets its place in the pass as an explicit wave: PreSync hooks
 * below the lowest wave of the other objects, Sync hooks in their own wave with them, PostSync
 * hooks above the highest (each phase keeps the order of its hooks' own {@code gitops4j.dev/wave}).
 * Every hook is stamped with the revision ({@code gitops4j.dev/hook-revision}), so a new revision
 * creates it anew and with it runs the Job again.
 */
final class Hooks {

  static final String HOOK = "gitops4j.dev/hook";
  static final String ARGO_HOOK = "argocd.argoproj.io/hook";
  static final String DELETE_POLICY = "gitops4j.dev/hook-delete-policy";
  static final String ARGO_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy";
  static final String TIMEOUT = "gitops4j.dev/hook-timeout";
  static final String REVISION = "gitops4j.dev/hook-revision";
  static final String WAVE = "gitops4j.dev/wave";

  /** The phase a hook runs in. */
  enum Phase {
    PRE_SYNC("PreSync"),
    SYNC("Sync"),
    POST_SYNC("PostSync"),
    SYNC_FAIL("SyncFail");

    final String label;

    Phase(String label) {
      this.label = label;
    }
  }

  /** When a hook object is deleted after it ran. */
  enum DeletePolicy {
    BEFORE_HOOK_CREATION("BeforeHookCreation"),
    HOOK_SUCCEEDED("HookSucceeded"),
    HOOK_FAILED("HookFailed");

    final String label;

    DeletePolicy(String label) {
      this.label = label;
    }
  }

  /** Waves of main objects stay within this range, so hook phases always fit around them. */
  private static final int WAVE_LIMIT = 1_000_000_000;

  private Hooks() {}

  /** Whether {@code body} declares a gitops4j or Argo CD hook. */
  static boolean isHook(JsonNode body) {
    JsonNode annotations = annotations(body);
    return annotations.has(HOOK) || annotations.has(ARGO_HOOK);
  }

  /** The phase of a hook body already checked by {@link #arrange}, or null for other objects. */
  static Phase phase(JsonNode body) {
    String value = value(annotations(body), HOOK, ARGO_HOOK);
    if (value == null) {
      return null;
    }
    for (Phase phase : Phase.values()) {
      if (phase.label.equals(value.trim())) {
        return phase;
      }
    }
    return null;
  }

  /** The delete policies of a hook; {@code BeforeHookCreation} when it names none. */
  static Set<DeletePolicy> deletePolicies(JsonNode body) {
    String value = value(annotations(body), DELETE_POLICY, ARGO_DELETE_POLICY);
    Set<DeletePolicy> policies = EnumSet.noneOf(DeletePolicy.class);
    if (value == null || value.isBlank()) {
      policies.add(DeletePolicy.BEFORE_HOOK_CREATION);
      return policies;
    }
    for (String item : value.split(",")) {
      for (DeletePolicy policy : DeletePolicy.values()) {
        if (policy.label.equals(item.trim())) {
          policies.add(policy);
        }
      }
    }
    return policies;
  }

  /** The hook's own time limit ({@code gitops4j.dev/hook-timeout}), or null. */
  static Duration timeout(JsonNode body) {
    String value = annotations(body).path(TIMEOUT).asText("");
    return value.isBlank() ? null : Duration.parse(value.trim());
  }

  /** The revision a live hook object was created for, or empty. */
  static String revisionOf(JsonNode body) {
    return annotations(body).path(REVISION).asText("");
  }

  /**
   * Checks every hook annotation of {@code rendered} (problems with file and line) and puts each
   * hook in the wave of its phase, stamped with the revision.
   */
  static DesiredState arrange(DesiredState rendered, List<Problem> problems) {
    List<DesiredResource> main = new ArrayList<>();
    List<DesiredResource> hooks = new ArrayList<>();
    for (DesiredResource resource : rendered.resources().values()) {
      if (isHook(resource.body())) {
        if (check(resource, problems)) {
          hooks.add(resource);
        }
      } else {
        main.add(resource);
      }
    }
    if (hooks.isEmpty()) {
      return rendered;
    }
    int lowest = 0;
    int highest = 0;
    boolean first = true;
    for (DesiredResource resource : main) {
      Integer wave = ownWave(resource, problems);
      if (wave == null) {
        continue;
      }
      if (Math.abs((long) wave) > WAVE_LIMIT) {
        problems.add(
            new Problem(
                resource.origin(),
                resource.id() + ": " + WAVE + " must be within ±" + WAVE_LIMIT + " next to hooks"));
        continue;
      }
      lowest = first ? wave : Math.min(lowest, wave);
      highest = first ? wave : Math.max(highest, wave);
      first = false;
    }
    TreeSet<Integer> preWaves = new TreeSet<>();
    TreeSet<Integer> postWaves = new TreeSet<>();
    Map<ResourceId, Integer> ownWaves = new HashMap<>();
    for (DesiredResource hook : hooks) {
      Integer wave = ownWave(hook, problems);
      ownWaves.put(hook.id(), wave);
      Phase phase = phase(hook.body());
      if (wave != null && phase == Phase.PRE_SYNC) {
        preWaves.add(wave);
      } else if (wave != null && phase == Phase.POST_SYNC) {
        postWaves.add(wave);
      }
    }
    List<DesiredResource> out = new ArrayList<>(main);
    for (DesiredResource hook : hooks) {
      Integer own = ownWaves.get(hook.id());
      if (own == null) {
        continue;
      }
      int wave =
          switch (phase(hook.body())) {
            case PRE_SYNC -> lowest - preWaves.tailSet(own, true).size();
            case POST_SYNC -> highest + 1 + postWaves.headSet(own).size();
            case SYNC, SYNC_FAIL -> own;
          };
      ObjectNode body = hook.body().deepCopy();
      body.withObjectProperty("metadata")
          .withObjectProperty("annotations")
          .put(WAVE, Integer.toString(wave))
          .put(REVISION, rendered.revision());
      out.add(new DesiredResource(hook.id(), body, hook.origin(), hook.revision()));
    }
    return DesiredState.of(rendered.revision(), out);
  }

  /**
   * Whether the hook annotations of {@code hook} are valid; adds a problem for each that is not.
   */
  private static boolean check(DesiredResource hook, List<Problem> problems) {
    JsonNode annotations = annotations(hook.body());
    String ours = annotations.path(HOOK).asText(null);
    String argo = annotations.path(ARGO_HOOK).asText(null);
    int before = problems.size();
    if (ours != null && argo != null && !ours.trim().equals(argo.trim())) {
      problems.add(
          new Problem(
              hook.origin(),
              hook.id() + ": " + HOOK + " and " + ARGO_HOOK + " name different phases"));
    }
    String phase = ours != null ? ours : argo;
    if (phase(hook.body()) == null) {
      problems.add(
          new Problem(
              hook.origin(),
              hook.id()
                  + ": hook phase '"
                  + phase
                  + "' is not supported (one of PreSync, Sync, PostSync, SyncFail)"));
    }
    String policy = value(annotations, DELETE_POLICY, ARGO_DELETE_POLICY);
    if (policy != null) {
      for (String item : policy.split(",")) {
        boolean known = false;
        for (DeletePolicy candidate : DeletePolicy.values()) {
          known |= candidate.label.equals(item.trim());
        }
        if (!known) {
          problems.add(
              new Problem(
                  hook.origin(),
                  hook.id()
                      + ": hook delete policy '"
                      + item.trim()
                      + "' is not supported (BeforeHookCreation, HookSucceeded, HookFailed)"));
        }
      }
    }
    String timeout = annotations.path(TIMEOUT).asText(null);
    if (timeout != null) {
      try {
        Duration parsed = Duration.parse(timeout.trim());
        if (parsed.isNegative() || parsed.isZero()) {
          throw new DateTimeParseException("not positive", timeout, 0);
        }
      } catch (DateTimeParseException e) {
        problems.add(
            new Problem(
                hook.origin(),
                hook.id()
                    + ": "
                    + TIMEOUT
                    + " must be a positive ISO-8601 duration such as PT5M, got '"
                    + timeout
                    + "'"));
      }
    }
    return problems.size() == before;
  }

  /** The object's own {@code gitops4j.dev/wave}; 0 without one, null (with a problem) when bad. */
  private static Integer ownWave(DesiredResource resource, List<Problem> problems) {
    JsonNode field = annotations(resource.body()).path(WAVE);
    if (field.isMissingNode() || field.isNull()) {
      return 0;
    }
    try {
      return Integer.parseInt(field.asText().trim());
    } catch (NumberFormatException e) {
      problems.add(
          new Problem(
              resource.origin(),
              resource.id() + ": " + WAVE + " must be an integer, got " + field));
      return null;
    }
  }

  private static String value(JsonNode annotations, String ours, String argo) {
    String value = annotations.path(ours).asText(null);
    return value != null ? value : annotations.path(argo).asText(null);
  }

  private static JsonNode annotations(JsonNode body) {
    return body.path("metadata").path("annotations");
  }
}
