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
 */
final class HelmHooks {

  static final String HOOK_ANNOTATION = "helm.sh/hook";
  static final String WAVE_ANNOTATION = "gitops4j.dev/wave";

  private static final Set<String> BEFORE = Set.of("pre-install", "pre-upgrade");
  private static final Set<String> AFTER = Set.of("post-install", "post-upgrade");

  private HelmHooks() {}

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
      body.with("metadata").with("annotations").put(WAVE_ANNOTATION, wave.toString());
      out.add(new DesiredResource(resource.id(), body, resource.origin(), resource.revision()));
    }
    return DesiredState.of(rendered.revision(), out);
  }
}
