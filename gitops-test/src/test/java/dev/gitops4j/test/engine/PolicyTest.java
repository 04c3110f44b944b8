package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.cm;
import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.*;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.StepResult;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PolicyTest {

  private static String value(Harness h, String name) {
    return h.target.get(cm(name)).orElseThrow().at("/data/value").asText();
  }

  @Test
  void detectOnlyReportsDriftAndChangesNothing() throws Exception {
    try (Harness h = new Harness(SyncPolicy.detectOnly())) {
      h.repo.commit(files("a", "1"));
      PassResult result = h.pass();

      assertThat(result.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(result.drift().drifts())
          .extracting(Drift::status)
          .containsExactly(Drift.Status.MISSING);
      assertThat(h.target.writes()).isZero();
      assertThat(h.inventory().isEmpty()).isTrue();
    }
  }

  @Test
  void selfHealCorrectsDriftWithoutACommit() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1"));
      h.pass();
      h.target.edit(
          cm("a"), body -> body.withObjectProperty("data").put("value", "edited by hand"));

      h.engine.targetChanged(Harness.APP, cm("a"));
      h.timers.advance(java.time.Duration.ofSeconds(1));

      PassResult healed = h.results.get(h.results.size() - 1);
      assertThat(healed.trigger()).isEqualTo(dev.gitops4j.model.Trigger.TARGET_EVENT);
      assertThat(healed.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(value(h, "a")).isEqualTo("1");
    }
  }

  @Test
  void withoutSelfHealDriftIsReportedUntilTheNextCommit() throws Exception {
    try (Harness h = new Harness(SyncPolicy.custom().selfHeal(false).build())) {
      h.repo.commit(files("a", "1"));
      h.pass();
      h.target.edit(
          cm("a"), body -> body.withObjectProperty("data").put("value", "edited by hand"));

      h.timers.advance(Harness.INTERVAL);
      PassResult interval = h.results.get(h.results.size() - 1);
      assertThat(interval.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(value(h, "a")).isEqualTo("edited by hand");

      h.repo.commit(files("a", "2"));
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      assertThat(value(h, "a")).isEqualTo("2");
    }
  }

  @Test
  void pruneOffKeepsExtraneousResources() throws Exception {
    try (Harness h = new Harness(SyncPolicy.custom().prune(false).build())) {
      h.repo.commit(files("a", "1", "b", "2"));
      h.pass();
      h.repo.commit(files("a", "1"));

      PassResult result = h.pass();

      assertThat(h.target.ids()).containsExactlyInAnyOrder(cm("a"), cm("b"));
      assertThat(result.plan().kept()).extracting(k -> k.reason()).containsExactly("prune is off");
    }
  }

  @Test
  void approvalAppliesExactlyTheApprovedPlan() throws Exception {
    try (Harness h = new Harness(SyncPolicy.manualApproval())) {
      h.repo.commit(files("a", "1"));
      PassResult waiting = h.pass();
      assertThat(waiting.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(h.approvals)
          .singleElement()
          .extracting(ApprovalRequest::planId)
          .isEqualTo(waiting.planId());
      assertThat(h.target.writes()).isZero();

      // Asking again does not announce the same plan twice.
      h.pass();
      assertThat(h.approvals).hasSize(1);

      PassResult applied =
          h.engine.approve(Harness.APP, waiting.planId()).get(30, TimeUnit.SECONDS);
      assertThat(applied.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(applied.planId()).isEqualTo(waiting.planId());
      assertThat(h.target.ids()).containsExactly(cm("a"));
    }
  }

  @Test
  void approvalOfAStalePlanIsRefusedWhenTheRevisionMoved() throws Exception {
    try (Harness h = new Harness(SyncPolicy.manualApproval())) {
      h.repo.commit(files("a", "1"));
      PassResult waiting = h.pass();
      h.repo.commit(files("a", "2"));

      PassResult refused =
          h.engine.approve(Harness.APP, waiting.planId()).get(30, TimeUnit.SECONDS);

      assertThat(refused.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(refused.error()).contains("stale");
      assertThat(refused.planId()).isNotEqualTo(waiting.planId());
      assertThat(h.target.writes()).isZero();
      assertThat(h.approvals)
          .extracting(ApprovalRequest::planId)
          .containsExactly(waiting.planId(), refused.planId());
    }
  }

  @Test
  void approvalOfAStalePlanIsRefusedWhenTheLiveStateMoved() throws Exception {
    try (Harness h = new Harness(SyncPolicy.manualApproval())) {
      h.repo.commit(files("a", "1"));
      h.engine.approve(Harness.APP, h.pass().planId()).get(30, TimeUnit.SECONDS);
      h.repo.commit(files("a", "2"));
      PassResult waiting = h.pass();
      h.target.edit(cm("a"), body -> body.withObjectProperty("data").put("value", "moved"));

      PassResult refused =
          h.engine.approve(Harness.APP, waiting.planId()).get(30, TimeUnit.SECONDS);

      assertThat(refused.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
      assertThat(refused.error()).contains("stale");
      assertThat(value(h, "a")).isEqualTo("moved");
    }
  }

  @Test
  void dryRunPersistsNothing() throws Exception {
    try (Harness h = new Harness(SyncPolicy.custom().dryRun(true).build())) {
      h.repo.commit(files("a", "1"));
      PassResult result = h.pass();

      assertThat(result.status()).isEqualTo(PassStatus.DRY_RUN);
      assertThat(result.results())
          .extracting(StepResult::outcome)
          .containsExactly(StepResult.Outcome.DRY_RUN);
      assertThat(h.target.operations()).anyMatch(op -> op.dryRun());
      assertThat(h.target.ids()).isEmpty();
      assertThat(h.inventory().isEmpty()).isTrue();
    }
  }

  @Test
  void suspendedApplicationsReadAndWriteNothing() throws Exception {
    try (Harness h = new Harness(SyncPolicy.automatic())) {
      h.repo.commit(files("a", "1"));
      h.engine.suspend(Harness.APP);

      assertThat(h.pass().status()).isEqualTo(PassStatus.SUSPENDED);
      assertThat(h.target.operations()).isEmpty();
      assertThat(h.source.reads.get()).isZero();

      h.engine.resume(Harness.APP);
      assertThat(h.target.ids()).containsExactly(cm("a"));
    }
  }
}
