package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ManagedFieldsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode live() throws Exception {
    return JSON.readTree(
        """
        {"metadata": {"name": "web", "labels": {"app/x": "web"},
          "managedFields": [
            {"manager": "gitops4j", "operation": "Apply", "fieldsType": "FieldsV1",
             "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {
               "k:{\\"name\\":\\"web\\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}},
            {"manager": "autoscaler", "operation": "Apply", "fieldsType": "FieldsV1",
             "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app/x": {}}},
                          "f:spec": {"f:replicas": {},
                            "f:template": {"f:spec": {"f:containers": {
                              "k:{\\"name\\":\\"side\\"}": {".": {}, "f:image": {}}}}}}}}]},
         "spec": {"replicas": 5, "template": {"spec": {"containers": [
           {"name": "web", "image": "nginx"}, {"name": "side", "image": "envoy"}]}}}}
        """);
  }

  @Test
  void leafFieldsOfMatchingManagersBecomeConcretePointers() throws Exception {
    assertThat(ManagedFields.ownedBy(live(), "autoscaler"::equals))
        .containsExactlyInAnyOrder(
            "/metadata/labels/app~1x", "/spec/replicas", "/spec/template/spec/containers/1/image");
  }

  @Test
  void listElementsAreLocatedByTheirKeys() throws Exception {
    assertThat(ManagedFields.ownedBy(live(), "gitops4j"::equals))
        .containsExactlyInAnyOrder(
            "/spec/template/spec/containers/0/image", "/spec/template/spec/containers/0/name");
  }

  @Test
  void noManagerMatchesNothing() throws Exception {
    assertThat(ManagedFields.ownedBy(live(), m -> false)).isEmpty();
  }

  @Test
  void onlyImperativeWhenEveryManagerOnlyUpdated() throws Exception {
    JsonNode live =
        JSON.readTree(
            """
            {"metadata": {"managedFields": [
              {"manager": "gitops4j", "operation": "Apply"},
              {"manager": "kubectl-edit", "operation": "Update"},
              {"manager": "both", "operation": "Update"},
              {"manager": "both", "operation": "Apply"},
              {"manager": "other", "operation": "Apply"}]}}
            """);
    assertThat(ManagedFields.onlyImperative(live, java.util.List.of("kubectl-edit"))).isTrue();
    assertThat(ManagedFields.onlyImperative(live, java.util.List.of("kubectl-edit", "other")))
        .isFalse();
    assertThat(ManagedFields.onlyImperative(live, java.util.List.of("both"))).isFalse();
    assertThat(ManagedFields.onlyImperative(live, java.util.List.of("gone"))).isFalse();
    assertThat(ManagedFields.onlyImperative(live, java.util.List.of())).isFalse();
  }
}
