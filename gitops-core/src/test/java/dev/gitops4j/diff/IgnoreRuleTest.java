package dev.gitops4j.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.model.ResourceId;
import org.junit.jupiter.api.Test;

class IgnoreRuleTest {

  private static final ResourceId WEB = ResourceId.of("apps/Deployment", "prod-eu", "web-1");
  private static final ResourceId NODE = ResourceId.of("Node", "node-a");

  @Test
  void unscopedRuleAppliesToEverything() {
    IgnoreRule rule = IgnoreRule.of("/spec/replicas");
    assertThat(rule.appliesTo(WEB)).isTrue();
    assertThat(rule.appliesTo(NODE)).isTrue();
    assertThat(rule.kind()).isNull();
  }

  @Test
  void selectorsAreGlobs() {
    IgnoreRule rule =
        IgnoreRule.of("/spec/replicas").forKind("apps/*").inScope("prod-*").named("web-?");
    assertThat(rule.appliesTo(WEB)).isTrue();
    assertThat(rule.appliesTo(ResourceId.of("apps/Deployment", "staging", "web-1"))).isFalse();
    assertThat(rule.appliesTo(ResourceId.of("apps/Deployment", "prod-us", "web-10"))).isFalse();
    assertThat(rule.appliesTo(ResourceId.of("batch/Job", "prod-eu", "web-1"))).isFalse();
    assertThat(IgnoreRule.of("/x").forKind("apps/Deployment").appliesTo(WEB)).isTrue();
    assertThat(IgnoreRule.of("/x").forKind("Deployment").appliesTo(WEB)).isFalse();
  }

  @Test
  void resourcesWithoutScopeMatchOnlyScopeGlobsMatchingEmpty() {
    assertThat(IgnoreRule.of("/x").inScope("*").appliesTo(NODE)).isTrue();
    assertThat(IgnoreRule.of("/x").inScope("prod-*").appliesTo(NODE)).isFalse();
  }

  @Test
  void valueSemantics() {
    IgnoreRule rule = IgnoreRule.of("/spec/replicas").forKind("apps/Deployment");
    assertThat(rule).isEqualTo(IgnoreRule.of("/spec/replicas").forKind("apps/Deployment"));
    assertThat(rule).hasSameHashCodeAs(IgnoreRule.of("/spec/replicas").forKind("apps/Deployment"));
    assertThat(rule).isNotEqualTo(IgnoreRule.of("/spec/replicas"));
    assertThat(rule).hasToString("ignore /spec/replicas kind=apps/Deployment");
  }

  @Test
  void rejectsInvalidPatternsAndSelectors() {
    assertThatThrownBy(() -> IgnoreRule.of("")).hasMessageContaining("whole document");
    assertThatThrownBy(() -> IgnoreRule.of("spec")).hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> IgnoreRule.of("/a/**")).hasMessageContaining("ends with '**'");
    assertThatThrownBy(() -> IgnoreRule.of("/a~")).hasMessageContaining("'~'");
    assertThatThrownBy(() -> IgnoreRule.of("/a").forKind(" ")).hasMessageContaining("kind glob");
  }
}
