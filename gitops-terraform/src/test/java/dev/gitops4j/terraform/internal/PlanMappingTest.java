package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.model.Change;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.plan.Ordering;
import dev.gitops4j.plan.PlanPolicy;
import dev.gitops4j.plan.Planner;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.terraform.PlanMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanMappingTest {

  private static final String REV = "abc123";

  private static Drift drift(DriftReport report, ResourceId id) {
    return report.drifts().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void actionsBecomeDriftStatuses() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    DriftReport report = PlanMapping.drifts(REV, view, PlanMode.NORMAL, Origins.none());

    assertThat(drift(report, ResourceId.of("local_file", "a")).status())
        .isEqualTo(Drift.Status.MISSING);
    assertThat(drift(report, ResourceId.of("local_file", "module.m", "b")).status())
        .isEqualTo(Drift.Status.MISSING);
    Drift replaced = drift(report, ResourceId.of("null_resource", "n[0]"));
    assertThat(replaced.status()).isEqualTo(Drift.Status.MODIFIED);
    assertThat(replaced.changes()).extracting(Change::path).contains("/triggers/c");
    assertThat(drift(report, ResourceId.of("null_resource", "n[1]")).status())
        .isEqualTo(Drift.Status.EXTRANEOUS);
    assertThat(drift(report, ResourceId.of("random_password", "p")).status())
        .isEqualTo(Drift.Status.IN_SYNC);
    assertThat(drift(report, ResourceId.of("output", "pw")).status())
        .isEqualTo(Drift.Status.IN_SYNC);
    // Declared first, extraneous last.
    assertThat(report.drifts().get(report.drifts().size() - 1).status())
        .isEqualTo(Drift.Status.EXTRANEOUS);
  }

  @Test
  void changesCarryOnlyRedactedValues() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    DriftReport report = PlanMapping.drifts(REV, view, PlanMode.NORMAL, Origins.none());
    String all =
        report.drifts().stream()
            .map(
                d ->
                    d.changes().stream().map(c -> c.oldValue() + "/" + c.newValue()).toList()
                        + " "
                        + (d.desired() == null ? "" : d.desired().body())
                        + " "
                        + (d.live() == null ? "" : d.live().body()))
            .toList()
            .toString();
    assertThat(all)
        .doesNotContain(Fixtures.SECRET_VARIABLE)
        .doesNotContain(Fixtures.RANDOM_PASSWORD);
    assertThat(all).contains("<sensitive:");
  }

  @Test
  void liveVersionsCarryThePlanDigest() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    List<LiveResource> live = PlanMapping.live(view, PlanMode.NORMAL);
    assertThat(live).isNotEmpty().allMatch(r -> r.version().equals(view.digest()) && r.owned());
    assertThat(live).extracting(LiveResource::id).doesNotContain(ResourceId.of("local_file", "a"));
  }

  @Test
  void theCorePlannerTurnsThePlanIntoSteps() throws Exception {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    DriftReport report = PlanMapping.drifts(REV, view, PlanMode.NORMAL, Origins.none());
    Inventory owned = Inventory.of(List.of(ResourceId.of("null_resource", "n[1]")));
    Plan plan = new Planner(Ordering.none()).plan(report, owned, PlanPolicy.ofDefaults());
    assertThat(plan.count(Step.Action.CREATE)).isEqualTo(2);
    assertThat(plan.count(Step.Action.UPDATE)).isEqualTo(1);
    assertThat(plan.count(Step.Action.DELETE)).isEqualTo(1);
  }

  @Test
  void onlyDestroysOfResourcesOutsideTheInventoryAreUnowned() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    // n[0] is replaced (delete and create): not a destroy; n[1] is destroyed.
    assertThat(PlanMapping.unownedDestroys(view, Inventory.empty()))
        .extracting(PlanView.ResourceChange::address)
        .containsExactly("null_resource.n[1]");
    Inventory owned = Inventory.of(List.of(ResourceId.of("null_resource", "n[1]")));
    assertThat(PlanMapping.unownedDestroys(view, owned)).isEmpty();
  }

  @Test
  void refreshOnlyPlansReportOutsideChangesAsMissing() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-refresh-only.json"));
    DriftReport report = PlanMapping.drifts(REV, view, PlanMode.REFRESH_ONLY, Origins.none());
    assertThat(report.outOfSync())
        .extracting(Drift::id, Drift::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.of("local_file", "a"), Drift.Status.MISSING),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.of("local_file", "module.m", "b"), Drift.Status.MISSING));
  }

  @Test
  void originsPointAtTheDeclaringBlock() {
    Snapshot snapshot =
        new Snapshot(
            REV,
            null,
            List.of(
                SourceFile.of(
                    "main.tf",
                    "resource \"local_file\" \"a\" {\n}\n\nmodule \"m\" {\n  source = \"./mod\"\n}\n"
                        + "output \"pw\" {\n}\n"),
                SourceFile.of("mod/main.tf", "resource \"local_file\" \"b\" {\n}\n")));
    Origins origins = Origins.of(snapshot);
    assertThat(origins.apply(ResourceId.of("local_file", "a[0]")))
        .isEqualTo(Origin.of("main.tf", 1));
    assertThat(origins.apply(ResourceId.of("local_file", "module.m", "b")))
        .isEqualTo(Origin.of("main.tf", 4));
    assertThat(origins.apply(ResourceId.of("output", "pw"))).isEqualTo(Origin.of("main.tf", 7));
  }
}
