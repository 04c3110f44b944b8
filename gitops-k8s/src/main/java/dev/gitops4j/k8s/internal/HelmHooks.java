package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Helm hooks as waves: {@code pre-install}/{@code pre-upgrade} hooks go in wave -1, before the
 * chart's other objects, {@code post-install}/{@code post-upgrade} hooks in wave 1, after them.
 * Hooks that only run on delete or rollback have no place in reconciling a revision and are left
 * out. An explicit {@code gitops4j.dev/wave} annotation wins.
 *
 * <p>Hook objects stay managed objects (diffed, self-healed, pruned). Of {@code
 * helm.sh/hook-delete-policy}, {@code before-hook-creation} is honoured: a changed hook is deleted
 * and created anew rather than patched, so a Job hook runs again for the new revision. {@code
 * hook-succeeded} and {@code hook-failed} are not applied: deleting a declared object after it ran
 * would make it missing, and the next pass would create it again.
 */
final class HelmHooks {

  static final String HOOK_ANNOTATION = "helm.sh/hook";
  static final String WAVE_ANNOTATION = "gitops4j.dev/wave";
  static final String DELETE_POLICY_ANNOTATION = "helm.sh/hook-delete-policy";

  private static final Set<String> BEFORE = Set.of("pre-install", "pre-upgrade");
  private static final Set<String> AFTER = Set.of("post-install", "post-upgrade");

  private HelmHooks() {}

  /**
   * Whether a change to this hook object replaces it (delete, then create) instead of patching: its
   * {@code helm.sh/hook-delete-policy} includes {@code before-hook-creation}.
   */
  static boolean replacedOnChange(JsonNode body) {
    JsonNode annotations = body.path("metadata").path("annotations");
    if (annotations.path(HOOK_ANNOTATION).asText("").isBlank()) {
      return false;
    }
    String policy = annotations.path(DELETE_POLICY_ANNOTATION).asText("");
    return Set.of(policy.replace(" ", "").split(",")).contains("before-hook-creation");
  }

  static DesiredState asWaves(DesiredState rendered) {
    List<DesiredResource> out = new ArrayList<>(rendered.size());
    for (DesiredResource resource : rendered.resources().values()) {
      JsonNode annotations = resource.body().path("metadata").path("annotations");
      String hook = annotations.path(HOOK_ANNOTATION).asText("");
      if (hook.isBlank()) {
        out.add(resource);
        continue;
      }
      Set<String> kinds = Set.of(hook.replace(" ", "").split(","));
      Integer wave =
          kinds.stream().anyMatch(BEFORE::contains)
              ? Integer.valueOf(-1)
              : kinds.stream().anyMatch(AFTER::contains) ? Integer.valueOf(1) : null;
      if (wave == null) {
        continue; // delete and rollback hooks
      }
      if (annotations.has(WAVE_ANNOTATION)) {
        out.add(resource);
        continue;
      }
      ObjectNode body = resource.body().deepCopy();
      body.withObjectProperty("metadata")
          .withObjectProperty("annotations")
          .put(WAVE_ANNOTATION, wave.toString());
      out.add(new DesiredResource(resource.id(), body, resource.origin(), resource.revision()));
    }
    return DesiredState.of(rendered.revision(), out);
  }
}
