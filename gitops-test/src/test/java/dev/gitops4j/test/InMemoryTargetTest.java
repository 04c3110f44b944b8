package dev.gitops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.ApplyOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryTargetTest {

  private final InMemoryTarget target = InMemoryTarget.create();
  private final ResourceId id = ResourceId.of("ConfigMap", "default", "a");

  private DesiredResource resource(String value) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("data").put("k", value);
    return new DesiredResource(id, body, Origin.of("a.yaml", 1), "r");
  }

  private void create(DesiredResource resource) throws TargetException {
    target.apply(
        new Step(Step.Action.CREATE, id, resource, null, List.of()), ApplyOptions.defaults());
  }

  @Test
  void recordsWritesAndObserves() throws Exception {
    create(resource("v"));
    target.observe(DesiredState.of("r", List.of(resource("v"))), Inventory.empty());

    assertThat(target.operations())
        .containsExactly(
            new InMemoryTarget.Operation(Step.Action.CREATE, id, false),
            new InMemoryTarget.Operation(null, null, false));
    assertThat(target.writes()).isEqualTo(1);
  }

  @Test
  void handEditChangesBodyAndVersion() throws Exception {
    create(resource("v"));
    DesiredState desired = DesiredState.of("r", List.of(resource("v")));
    LiveResource before = target.observe(desired, Inventory.empty()).get(id).orElseThrow();

    target.edit(id, body -> body.withObjectProperty("data").put("k", "edited"));

    LiveResource after = target.observe(desired, Inventory.empty()).get(id).orElseThrow();
    assertThat(after.body().at("/data/k").asText()).isEqualTo("edited");
    assertThat(after.version()).isNotEqualTo(before.version());
    assertThat(after.owned()).isTrue();
  }

  @Test
  void foreignResourcesAreNotOwned() throws Exception {
    target.putForeign(id, resource("x").body());
    LiveResource live =
        target
            .observe(DesiredState.of("r", List.of()), Inventory.of(List.of(id)))
            .get(id)
            .orElseThrow();
    assertThat(live.owned()).isFalse();
  }

  @Test
  void injectedFailureIsThrownOnceThenWritesSucceed() throws Exception {
    target.failOnce(step -> step.id().equals(id), new TargetException("boom", true));
    assertThatThrownBy(() -> create(resource("v"))).hasMessage("boom");
    create(resource("v"));
    assertThat(target.contains(id)).isTrue();
  }

  @Test
  void createOfExistingResourceFails() throws Exception {
    create(resource("v"));
    assertThatThrownBy(() -> create(resource("v"))).hasMessageContaining("already exists");
  }

  @Test
  void measuresConcurrentApplies() throws Exception {
    CountDownLatch bothInside = new CountDownLatch(2);
    target.duringApply(
        () -> {
          bothInside.countDown();
          try {
            bothInside.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results =
          List.of("x", "y").stream()
              .map(
                  name ->
                      pool.submit(
                          () -> {
                            ResourceId other = ResourceId.of("ConfigMap", "default", name);
                            DesiredResource r =
                                new DesiredResource(
                                    other, resource("v").body(), Origin.of("a.yaml", 1), "r");
                            return target.apply(
                                new Step(Step.Action.CREATE, other, r, null, List.of()),
                                ApplyOptions.defaults());
                          }))
              .toList();
      for (Future<String> result : results) {
        result.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(target.maxConcurrentApplies()).isEqualTo(2);
  }
}
