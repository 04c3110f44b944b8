package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmallPartsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void globs() {
    assertThat(Globs.matches("team-*", "team-a")).isTrue();
    assertThat(Globs.matches("team-?", "team-ab")).isFalse();
    assertThat(Globs.matches("apps/*", "apps/Deployment")).isTrue();
    assertThat(Globs.anyMatches(List.of(), "anything")).isTrue();
    assertThat(Globs.anyMatches(List.of("a", "b*"), "c")).isFalse();
  }

  @Test
  void hashIgnoresKeyOrderButNotValues() throws Exception {
    JsonNode a = JSON.readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
    JsonNode b = JSON.readTree("{\"b\":{\"d\":3,\"c\":2},\"a\":1}");
    JsonNode c = JSON.readTree("{\"b\":{\"d\":3,\"c\":4},\"a\":1}");
    assertThat(Marks.hash(a)).isEqualTo(Marks.hash(b)).hasSize(32);
    assertThat(Marks.hash(a)).isNotEqualTo(Marks.hash(c));
  }

  @Test
  void markedAddsOwnershipWithoutTouchingTheInput() throws Exception {
    JsonNode declared = JSON.readTree("{\"metadata\":{\"name\":\"x\"}}");
    JsonNode marked = Marks.marked(declared, "shop", "h");
    assertThat(Marks.ownedBy(marked, "shop")).isTrue();
    assertThat(Marks.ownedBy(marked, "other")).isFalse();
    assertThat(Marks.appliedHash(marked)).isEqualTo("h");
    assertThat(declared.path("metadata").has("labels")).isFalse();
  }

  @Test
  void applicationNamesMustBeLabelValues() {
    assertThat(Marks.requireApplicationName("shop-prod_1.a")).isEqualTo("shop-prod_1.a");
    assertThatThrownBy(() -> Marks.requireApplicationName("-shop"))
        .hasMessageContaining("label value");
    assertThatThrownBy(() -> Marks.requireApplicationName("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void orderingPutsCrdsAndNamespacesFirstAndCustomResourcesLast() {
    KindOrdering ordering = new KindOrdering();
    int crd =
        ordering.weight(ResourceId.of("apiextensions.k8s.io/CustomResourceDefinition", "c"), null);
    int ns = ordering.weight(ResourceId.of("Namespace", "n"), null);
    int clusterRole =
        ordering.weight(ResourceId.of("rbac.authorization.k8s.io/ClusterRole", "r"), null);
    int configMap = ordering.weight(ResourceId.of("ConfigMap", "n", "c"), null);
    int deployment = ordering.weight(ResourceId.of("apps/Deployment", "n", "d"), null);
    int custom = ordering.weight(ResourceId.of("example.com/Widget", "n", "w"), null);
    assertThat(List.of(crd, ns, clusterRole, configMap, deployment, custom)).isSorted();
    assertThat(crd).isLessThan(ns);
    assertThat(deployment).isLessThan(custom);
  }

  @Test
  void projectionKeepsOnlyDeclaredFields() throws Exception {
    JsonNode shape = JSON.readTree("{\"spec\":{\"a\":1,\"list\":[{\"n\":1}]}}");
    JsonNode live =
        JSON.readTree("{\"spec\":{\"a\":2,\"b\":3,\"list\":[{\"n\":1,\"d\":0}]},\"status\":{}}");
    assertThat(Comparison.project(shape, live))
        .isEqualTo(JSON.readTree("{\"spec\":{\"a\":2,\"list\":[{\"n\":1}]}}"));
  }
}
