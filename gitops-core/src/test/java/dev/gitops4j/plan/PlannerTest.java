package dev.gitops4j.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.Wave;
import dev.gitops4j.render.InvalidDesiredStateException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {

  private static final ResourceId NS = ResourceId.of("Namespace", "apps");
  private static final ResourceId CM = ResourceId.of("ConfigMap", "apps", "settings");
  private static final ResourceId DEPLOY = ResourceId.of("apps/Deployment", "apps", "web");
  private static final ResourceId OLD = ResourceId.of("ConfigMap", "apps", "old");

  /** Namespaces first, then everything else: a target-style weight. */
  private static final Ordering NAMESPACES_FIRST =
      (id, body) -> id.kind().equals("Namespace") ? -10 : 0;

  private final Planner planner = new Planner(NAMESPACES_FIRST);

  private static DesiredResource desired(ResourceId id) {
    return desired(id, JsonNodeFactory.instance.objectNode());
  }

  private static DesiredResource desired(ResourceId id, JsonNode body) {
    return new DesiredResource(id, body, Origin.of("app.yaml", 3), "rev");
  }

  private static LiveResource live(ResourceId id, boolean owned) {
    return new LiveResource(id, JsonNodeFactory.instance.objectNode(), "1", owned);
  }

  private static DriftReport report(Drift... drifts) {
    return new DriftReport("rev", List.of(drifts));
  }

  @Test
  void createsUpdatesAndPrunesInOrder() throws Exception {
    DriftReport report =
        report(
            Drift.missing(desired(DEPLOY)),
            Drift.missing(desired(NS)),
            Drift.modified(
                desired(CM), live(CM, true), List.of(Change.replace("/data/a", null, null))),
            Drift.extraneous(live(OLD, true)));

    Plan plan = planner.plan(report, Inventory.of(List.of(OLD, CM)), PlanPolicy.ofDefaults());

    assertThat(plan.waves()).extracting(Wave::index).containsExactly(0, 1, 2);
    assertThat(plan.waves().get(0).steps()).extracting(Step::id).containsExactly(NS);
    assertThat(plan.waves().get(1).steps())
        .extracting(Step::toString)
        .containsExactly("update ConfigMap apps/settings", "create apps/Deployment apps/web");
    assertThat(plan.waves().get(2).steps())
        .extracting(Step::toString)
        .containsExactly("delete ConfigMap apps/old");
    assertThat(plan.summary()).isEqualTo("2 to create, 1 to update, 1 to delete");
  }

  @Test
  void inSyncResourcesProduceNoSteps() throws Exception {
    Plan plan =
        planner.plan(
            report(Drift.inSync(desired(CM), live(CM, true))),
            Inventory.of(List.of(CM)),
            PlanPolicy.ofDefaults());
    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  void deletesRunInReverseOrder() throws Exception {
    LiveResource namespace = live(NS, true);
    Plan plan =
        planner.plan(
            report(
                Drift.missing(desired(DEPLOY)),
                Drift.extraneous(namespace),
                Drift.extraneous(live(OLD, true))),
            Inventory.of(List.of(NS, OLD)),
            PlanPolicy.ofDefaults());
    assertThat(plan.steps())
        .extracting(Step::toString)
        .containsExactly(
            "create apps/Deployment apps/web",
            "delete ConfigMap apps/old",
            "delete Namespace apps");
  }

  @Test
  void onlyOwnedResourcesInTheInventoryArePruned() throws Exception {
    ResourceId foreign = ResourceId.of("ConfigMap", "apps", "foreign");
    ResourceId unmarked = ResourceId.of("ConfigMap", "apps", "unmarked");
    Plan plan =
        planner.plan(
            report(
                Drift.missing(desired(CM)),
                Drift.extraneous(live(foreign, true)),
                Drift.extraneous(live(unmarked, false)),
                Drift.extraneous(live(OLD, true))),
            Inventory.of(List.of(unmarked, OLD)),
            PlanPolicy.ofDefaults());

    assertThat(plan.steps())
        .filteredOn(s -> s.action() == Step.Action.DELETE)
        .extracting(Step::id)
        .containsExactly(OLD);
    assertThat(plan.kept())
        .containsExactlyInAnyOrder(
            new Plan.Kept(foreign, "not in the inventory"),
            new Plan.Kept(unmarked, "not marked as owned"));
  }

  @Test
  void pruneOffKeepsExtraneousResources() throws Exception {
    Plan plan =
        planner.plan(
            report(Drift.missing(desired(CM)), Drift.extraneous(live(OLD, true))),
            Inventory.of(List.of(OLD)),
            PlanPolicy.custom().prune(false).build());
    assertThat(plan.count(Step.Action.DELETE)).isZero();
    assertThat(plan.kept()).containsExactly(new Plan.Kept(OLD, "prune is off"));
  }

  @Test
  void noPruneOnEmptyDesiredState() {
    DriftReport everythingExtraneous =
        report(Drift.extraneous(live(CM, true)), Drift.extraneous(live(OLD, true)));
    assertThatThrownBy(
            () ->
                planner.plan(
                    everythingExtraneous, Inventory.of(List.of(CM, OLD)), PlanPolicy.ofDefaults()))
        .isInstanceOf(PruneRefusedException.class)
        .hasMessageContaining("declares no resources while 2 are owned");
  }

  @Test
  void emptyPruneWhenExplicitlyAllowed() throws Exception {
    Plan plan =
        planner.plan(
            report(Drift.extraneous(live(CM, true))),
            Inventory.of(List.of(CM)),
            PlanPolicy.custom().allowEmptyPrune(true).build());
    assertThat(plan.count(Step.Action.DELETE)).isEqualTo(1);
  }

  @Test
  void explicitWaveFieldOrdersAheadOfTargetWeight() throws Exception {
    ObjectNode early = JsonNodeFactory.instance.objectNode();
    early.putObject("metadata").putObject("annotations").put("gitops4j.dev/wave", "-5");
    ObjectNode late = JsonNodeFactory.instance.objectNode();
    late.putObject("metadata").putObject("annotations").put("gitops4j.dev/wave", 3);
    PlanPolicy policy =
        PlanPolicy.custom().waveField("/metadata/annotations/gitops4j.dev~1wave").build();

    Plan plan =
        planner.plan(
            report(
                Drift.missing(desired(NS, late)),
                Drift.missing(desired(CM)),
                Drift.missing(desired(DEPLOY, early))),
            Inventory.empty(),
            policy);

    assertThat(plan.steps()).extracting(Step::id).containsExactly(DEPLOY, CM, NS);
  }

  @Test
  void nonIntegerWaveIsAProblemNamingTheFile() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("metadata").putObject("annotations").put("gitops4j.dev/wave", "soon");
    PlanPolicy policy =
        PlanPolicy.custom().waveField("/metadata/annotations/gitops4j.dev~1wave").build();

    assertThatThrownBy(
            () -> planner.plan(report(Drift.missing(desired(CM, body))), Inventory.empty(), policy))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("app.yaml:3")
        .hasMessageContaining("must be an integer");
  }

  @Test
  void waveFieldMustBeAPointer() {
    assertThatThrownBy(() -> PlanPolicy.custom().waveField("metadata.wave").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
