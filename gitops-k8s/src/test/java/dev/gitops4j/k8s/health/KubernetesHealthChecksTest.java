package dev.gitops4j.k8s.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.ResourceId;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Table-driven: each document in {@code src/test/resources/health/<kind>.yaml} is one case with a
 * realistic live object, the expected status and a fragment of the expected message.
 */
class KubernetesHealthChecksTest {

  private static final List<String> FIXTURES =
      List.of(
          "deployment",
          "statefulset",
          "daemonset",
          "replicaset",
          "pod",
          "job",
          "pvc",
          "service",
          "crd",
          "namespace",
          "conditions");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final HealthCheck ALL =
      KubernetesHealthChecks.composite(KubernetesHealthChecks.all());

  @TestFactory
  Stream<DynamicContainer> fixtures() throws IOException {
    List<DynamicContainer> files = new ArrayList<>();
    for (String fixture : FIXTURES) {
      List<JsonNode> cases = load(fixture);
      assertThat(cases).as(fixture + " has cases").isNotEmpty();
      files.add(
          DynamicContainer.dynamicContainer(
              fixture,
              cases.stream()
                  .map(
                      c ->
                          DynamicTest.dynamicTest(
                              c.path("case").asText(), () -> check(fixture, c)))));
    }
    return files.stream();
  }

  private static void check(String fixture, JsonNode testCase) {
    LiveResource live = live(testCase);
    Optional<Health> health = ALL.assess(live);
    String expected = testCase.path("expect").asText();
    String where = fixture + ".yaml: " + testCase.path("case").asText();
    if (expected.equals("NONE")) {
      assertThat(health).as(where).isEmpty();
      return;
    }
    assertThat(health).as(where).isPresent();
    assertThat(health.get().status())
        .as(where + " (" + health.get().message() + ")")
        .isEqualTo(HealthStatus.valueOf(expected));
    assertThat(health.get().message()).as(where).contains(testCase.path("message").asText());
  }

  private static LiveResource live(JsonNode testCase) {
    JsonNode object = testCase.path("object");
    String kind = testCase.path("id").asText("");
    if (kind.isEmpty()) {
      String apiVersion = object.path("apiVersion").asText();
      int slash = apiVersion.indexOf('/');
      kind = (slash < 0 ? "" : apiVersion.substring(0, slash) + "/") + object.path("kind").asText();
    }
    JsonNode metadata = object.path("metadata");
    return new LiveResource(
        ResourceId.of(
            kind, metadata.path("namespace").asText(null), metadata.path("name").asText()),
        object,
        "1",
        true);
  }

  private static List<JsonNode> load(String fixture) throws IOException {
    String path = "/health/" + fixture + ".yaml";
    try (InputStream in = KubernetesHealthChecksTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(in)) {
        return docs.readAll();
      }
    }
  }

  @Test
  void kindChecksDoNotAnswerForOtherKinds() {
    JsonNode deploymentLike =
        YAML.createObjectNode().put("apiVersion", "example.com/v1").put("kind", "Deployment");
    LiveResource notApps =
        new LiveResource(
            ResourceId.of("example.com/Deployment", "x", "d"), deploymentLike, "1", true);
    assertThat(KubernetesHealthChecks.composite(KubernetesHealthChecks.builtIn()).assess(notApps))
        .isEmpty();
  }

  @Test
  void customKindCheckComesFirst() throws IOException {
    HealthCheck custom =
        KubernetesHealthChecks.forKind(
            "example.com",
            "Database",
            db -> Health.of(HealthStatus.SUSPENDED, db.path("spec").path("mode").asText()));
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(custom);
    checks.addAll(KubernetesHealthChecks.all());
    JsonNode db =
        YAML.readTree(
            "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: o, generation: 1}\n"
                + "spec: {mode: hibernated}\nstatus: {conditions: [{type: Ready, status: 'True'}]}\n");
    LiveResource live =
        new LiveResource(ResourceId.of("example.com/Database", "shop", "o"), db, "1", true);

    assertThat(KubernetesHealthChecks.composite(checks).assess(live))
        .contains(Health.of(HealthStatus.SUSPENDED, "hibernated"));
    assertThat(
            KubernetesHealthChecks.composite(KubernetesHealthChecks.all())
                .assess(live)
                .orElseThrow()
                .status())
        .isEqualTo(HealthStatus.HEALTHY);
  }
}
