package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.k8s.DeletePropagation;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unchanged objects keep their placed body across revisions, so their hash is not recomputed. */
class KubeRendererReuseTest {

  private static KubeRenderer renderer() {
    KubeTargetSettings settings =
        new KubeTargetSettings(
            "gitops4j",
            "gitops4j-system",
            "team-a",
            false,
            false,
            DeletePropagation.FOREGROUND,
            Path.of("kubectl"),
            null,
            null,
            List.of(),
            List.of(),
            List.of("*"),
            List.of("*"),
            Duration.ofSeconds(30),
            50,
            null,
            null);
    // Built-in kinds only: discovery is never asked.
    return new KubeRenderer(settings, new Discovery(null));
  }

  private static SourceFile configMap(String name, String value) {
    return SourceFile.of(
        name + ".yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
            + name
            + "\ndata:\n  value: \""
            + value
            + "\"\n");
  }

  @Test
  void unchangedObjectsKeepTheirNamespacedBodyAcrossRevisions() throws Exception {
    KubeRenderer renderer = renderer();
    ResourceId a = ResourceId.of("ConfigMap", "team-a", "a");
    ResourceId b = ResourceId.of("ConfigMap", "team-a", "b");

    DesiredState first =
        renderer.render(
            new Snapshot("r1", null, List.of(configMap("a", "1"), configMap("b", "1"))));
    DesiredState second =
        renderer.render(
            new Snapshot("r2", null, List.of(configMap("a", "1"), configMap("b", "2"))));

    assertThat(first.get(a).orElseThrow().body().at("/metadata/namespace").asText())
        .isEqualTo("team-a");
    assertThat(second.get(a).orElseThrow().body()).isSameAs(first.get(a).orElseThrow().body());
    assertThat(second.get(a).orElseThrow().revision()).isEqualTo("r2");
    assertThat(second.get(b).orElseThrow().body()).isNotSameAs(first.get(b).orElseThrow().body());
    assertThat(second.get(b).orElseThrow().body().at("/data/value").asText()).isEqualTo("2");
    assertThat(second.get(b).orElseThrow().body().at("/metadata/namespace").asText())
        .isEqualTo("team-a");
    // Same result as a renderer that never saw the first revision.
    assertThat(second)
        .isEqualTo(
            renderer()
                .render(
                    new Snapshot("r2", null, List.of(configMap("a", "1"), configMap("b", "2")))));
  }

  @Test
  void theDefaultNamespaceIsSetOnACopyThatSharesEverySubtreeButMetadata() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var decoded =
        json.readTree(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"}},"
                + "\"data\":{\"k\":\"v\"}}");
    String before = decoded.toString();

    var placed = KubeRenderer.withNamespace(decoded, "team-a");

    assertThat(placed.toString())
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"},"
                + "\"namespace\":\"team-a\"},\"data\":{\"k\":\"v\"}}");
    assertThat(decoded.toString()).as("the decoded tree is unchanged").isEqualTo(before);
    assertThat(placed.get("data")).isSameAs(decoded.get("data"));
    assertThat(placed.get("metadata").get("labels"))
        .isSameAs(decoded.get("metadata").get("labels"));
  }
}
