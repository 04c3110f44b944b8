package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HooksTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static DesiredResource object(String kind, String name, String annotations, int line)
      throws Exception {
    ObjectNode body =
        (ObjectNode)
            YAML.readTree(
                "apiVersion: v1\nkind: "
                    + kind
                    + "\nmetadata:\n  name: "
                    + name
                    + "\n  annotations:\n"
                    + (annotations.isEmpty() ? "    x: y\n" : annotations));
    return new DesiredResource(
        ResourceId.of(kind, "ns", name), body, Origin.of("hooks.yaml", line), "r1");
  }

  private static Map<String, String> waves(DesiredState state) {
    return state.resources().values().stream()
        .collect(
            Collectors.toMap(
                r -> r.id().name(),
                r -> r.body().path("metadata").path("annotations").path(Hooks.WAVE).asText("")));
  }

  @Test
  void phasesPlaceHooksAroundTheWavesOfTheOtherObjects() throws Exception {
    DesiredState rendered =
        DesiredState.of(
            "r1",
            List.of(
                object("ConfigMap", "low", "    gitops4j.dev/wave: \"-3\"\n", 1),
                object("ConfigMap", "high", "    gitops4j.dev/wave: \"4\"\n", 2),
                object("Pod", "pre-a", "    gitops4j.dev/hook: PreSync\n", 3),
                object(
                    "Pod",
                    "pre-b",
                    "    argocd.argoproj.io/hook: PreSync\n    gitops4j.dev/wave: \"2\"\n",
                    4),
                object(
                    "Pod",
                    "sync",
                    "    gitops4j.dev/hook: Sync\n    gitops4j.dev/wave: \"1\"\n",
                    5),
                object("Pod", "post", "    gitops4j.dev/hook: PostSync\n", 6),
                object("Pod", "fail", "    gitops4j.dev/hook: SyncFail\n", 7)));
    List<Problem> problems = new ArrayList<>();
    DesiredState arranged = Hooks.arrange(rendered, problems);

    assertThat(problems).isEmpty();
    assertThat(waves(arranged))
        .containsEntry("low", "-3")
        .containsEntry("high", "4")
        .containsEntry("pre-a", "-5")
        .containsEntry("pre-b", "-4")
        .containsEntry("sync", "1")
        .containsEntry("post", "5");
    assertThat(arranged.resources().values())
        .filteredOn(r -> Hooks.isHook(r.body()))
        .allSatisfy(r -> assertThat(Hooks.revisionOf(r.body())).isEqualTo("r1"));
    assertThat(Hooks.revisionOf(arranged.get(ResourceId.of("ConfigMap", "ns", "low")).get().body()))
        .isEmpty();
    assertThat(Hooks.phase(arranged.get(ResourceId.of("Pod", "ns", "pre-b")).get().body()))
        .isEqualTo(Hooks.Phase.PRE_SYNC);
  }

  @Test
  void badHookAnnotationsAreProblemsWithFileAndLine() throws Exception {
    DesiredState rendered =
        DesiredState.of(
            "r1",
            List.of(
                object("Pod", "delete", "    argocd.argoproj.io/hook: PostDelete\n", 3),
                object(
                    "Pod",
                    "policy",
                    "    gitops4j.dev/hook: PreSync\n"
                        + "    gitops4j.dev/hook-delete-policy: HookSucceeded,Never\n",
                    9),
                object(
                    "Pod",
                    "timeout",
                    "    gitops4j.dev/hook: PreSync\n    gitops4j.dev/hook-timeout: 5m\n",
                    14),
                object(
                    "Pod",
                    "both",
                    "    gitops4j.dev/hook: PreSync\n    argocd.argoproj.io/hook: PostSync\n",
                    20)));
    List<Problem> problems = new ArrayList<>();
    Hooks.arrange(rendered, problems);

    assertThat(problems.stream().map(Problem::toString))
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).contains("hooks.yaml:3").contains("'PostDelete'"))
        .anySatisfy(p -> assertThat(p).contains("hooks.yaml:9").contains("'Never'"))
        .anySatisfy(p -> assertThat(p).contains("hooks.yaml:14").contains("PT5M"))
        .anySatisfy(p -> assertThat(p).contains("hooks.yaml:20").contains("different phases"));
  }

  @Test
  void deletePoliciesDefaultToBeforeHookCreation() throws Exception {
    assertThat(
            Hooks.deletePolicies(object("Pod", "a", "    gitops4j.dev/hook: PreSync\n", 1).body()))
        .containsExactly(Hooks.DeletePolicy.BEFORE_HOOK_CREATION);
    assertThat(
            Hooks.deletePolicies(
                object(
                        "Pod",
                        "b",
                        "    argocd.argoproj.io/hook: PreSync\n"
                            + "    argocd.argoproj.io/hook-delete-policy: HookSucceeded, HookFailed\n",
                        1)
                    .body()))
        .containsExactlyInAnyOrder(
            Hooks.DeletePolicy.HOOK_SUCCEEDED, Hooks.DeletePolicy.HOOK_FAILED);
  }
}
