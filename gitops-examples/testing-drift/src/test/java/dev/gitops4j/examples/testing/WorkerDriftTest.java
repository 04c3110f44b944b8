package dev.gitops4j.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift logic on its own: plain function calls on the differ, with the live body produced by
 * the real registry, so the test sees exactly what the registry adds.
 */
class WorkerDriftTest {

  private static final ResourceId CHECKOUT = ResourceId.of(WorkerDrift.KIND, "shop", "checkout");

  private final StructuralDiffer plain = StructuralDiffer.ofDefaults();
  private final StructuralDiffer workers = WorkerDrift.differ();

  @Test
  void whatTheRegistryAddsIsDriftToThePlainDifferOnly(@TempDir Path dir) throws Exception {
    JsonNode desired = Workers.manifest("checkout", "orders");
    JsonNode live =
        new WorkerRegistry(dir).write("shop", "checkout", desired, "gitops4j").manifest();

    // Without the team's drift logic, every pass would report (and "heal") the registry's fields.
    assertThat(plain.changes(CHECKOUT, desired, live))
        .extracting(Change::path)
        .containsExactlyInAnyOrder(
            "/spec/concurrency", "/spec/timeoutSeconds", "/spec/replicas", "/status");
    assertThat(workers.changes(CHECKOUT, desired, live)).isEmpty();
  }

  @Test
  void aChangedDefaultIsStillDrift(@TempDir Path dir) throws Exception {
    JsonNode desired = Workers.manifest("checkout", "orders");
    WorkerRegistry registry = new WorkerRegistry(dir);
    registry.write("shop", "checkout", desired, "gitops4j");
    // Someone raises concurrency by hand: Git says nothing, so the default (1) is what Git means.
    JsonNode handEdited =
        registry
            .write("shop", "checkout", Workers.manifest("checkout", "orders", 4), "")
            .manifest();

    List<Change> changes = workers.changes(CHECKOUT, desired, handEdited);

    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).op()).isEqualTo(Change.Op.REPLACE);
    assertThat(changes.get(0).path()).isEqualTo("/spec/concurrency");
    assertThat(changes.get(0).oldValue().asInt()).isEqualTo(4);
    assertThat(changes.get(0).newValue().asInt()).isEqualTo(1);
  }

  @Test
  void theAutoscalersReplicasAreIgnoredEvenWhenGitDeclaresThem(@TempDir Path dir) throws Exception {
    ObjectNode declaresReplicas = (ObjectNode) Workers.manifest("checkout", "orders");
    ((ObjectNode) declaresReplicas.get("spec")).put("replicas", 2);
    WorkerRegistry registry = new WorkerRegistry(dir);
    registry.write("shop", "checkout", Workers.manifest("checkout", "orders"), "gitops4j");
    registry.scale("shop", "checkout", 9);
    JsonNode live = registry.read("shop", "checkout").orElseThrow().manifest();

    assertThat(workers.changes(CHECKOUT, Workers.manifest("checkout", "orders"), live)).isEmpty();
    assertThat(workers.changes(CHECKOUT, declaresReplicas, live)).isEmpty();
    assertThat(plain.changes(CHECKOUT, Workers.manifest("checkout", "orders"), live))
        .extracting(Change::path)
        .contains("/spec/replicas");
  }

  @Test
  void theNormalizerIsIdempotentLeavesItsInputAloneAndOnlyTouchesWorkers() throws Exception {
    JsonNode desired = Workers.manifest("checkout", "orders");
    JsonNode before = desired.deepCopy();

    JsonNode once = WorkerDrift.registryDefaults().normalize(CHECKOUT, desired);
    JsonNode twice = WorkerDrift.registryDefaults().normalize(CHECKOUT, once);

    assertThat(desired).isEqualTo(before);
    assertThat(once.at("/spec/concurrency").asInt()).isEqualTo(1);
    assertThat(once.at("/spec/timeoutSeconds").asInt()).isEqualTo(30);
    assertThat(twice).isEqualTo(once);
    assertThat(twice).isSameAs(once);

    ResourceId configMap = ResourceId.of("ConfigMap", "shop", "checkout");
    JsonNode other = yaml("kind: ConfigMap\nspec: {queue: orders}\nstatus: {phase: x}");
    assertThat(WorkerDrift.registryDefaults().normalize(configMap, other)).isSameAs(other);
  }

  private static JsonNode yaml(String text) throws Exception {
    return new YAMLMapper().readTree(text);
  }
}
