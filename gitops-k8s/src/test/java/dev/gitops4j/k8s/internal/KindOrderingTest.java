package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.model.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class KindOrderingTest {

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
}
