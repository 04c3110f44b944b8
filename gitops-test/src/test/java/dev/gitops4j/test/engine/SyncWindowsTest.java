package dev.gitops4j.test.engine;

import static dev.gitops4j.test.engine.Harness.cm;
import static dev.gitops4j.test.engine.Harness.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.SyncWindow;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sync windows: a closed window reports drift and writes nothing; an open one lets it through. */
class SyncWindowsTest {

  // The harness clock starts at 2030-01-01T00:00Z, a Tuesday: 01:00 in Berlin.
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aDenyWindowBlocksWritesUntilItCloses() throws Exception {
    SyncWindow night = SyncWindow.deny("0 0 * * *", Duration.ofHours(6), BERLIN);
    try (Harness h = new Harness(SyncPolicy.automatic(), night)) {
      h.repo.commit(files("a", "1"));
      PassResult blocked = h.pass();
      assertThat(blocked.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(blocked.error())
          .isEqualTo(
              "no writes: deny window '0 0 * * *' for PT6H (Europe/Berlin) is open until"
                  + " 2030-01-01T05:00:00Z");
      assertThat(blocked.drift().isInSync()).as("drift is still reported").isFalse();
      assertThat(h.target.writes()).isZero();

      h.clock.advance(Duration.ofHours(5));
      PassResult after = h.pass();
      assertThat(after.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(h.target.contains(cm("a"))).isTrue();
    }
  }

  @Test
  void manualSyncPassesADenyWindowOnlyWhenTheWindowAllowsIt() throws Exception {
    SyncWindow strict = SyncWindow.deny("0 0 * * *", Duration.ofHours(6), BERLIN);
    try (Harness h = new Harness(SyncPolicy.automatic(), strict)) {
      h.repo.commit(files("a", "1"));
      assertThat(h.pass().status())
          .as("trigger is explicit, still blocked")
          .isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(h.target.writes()).isZero();
    }
    SyncWindow lenient = strict.allowManualSync();
    try (Harness h = new Harness(SyncPolicy.automatic(), lenient)) {
      h.repo.commit(files("a", "1"));
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
      // Scheduled passes stay blocked: the hand edit is reported, not corrected.
      h.target.edit(cm("a"), body -> body.withObjectProperty("data").put("value", "edited"));
      h.clock.advance(Harness.INTERVAL);
      h.timers.runDue();
      PassResult scheduled = h.results.get(h.results.size() - 1);
      assertThat(scheduled.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(h.target.get(cm("a")).orElseThrow().at("/data/value").asText())
          .isEqualTo("edited");
    }
  }

  @Test
  void allowWindowsLetWritesThroughOnlyWhileOneIsOpen() throws Exception {
    // Weekdays 09:00-17:00 Berlin time.
    SyncWindow office = SyncWindow.allow("0 9 * * 1-5", Duration.ofHours(8), BERLIN);
    try (Harness h = new Harness(SyncPolicy.automatic(), office)) {
      h.repo.commit(files("a", "1"));
      PassResult early = h.pass();
      assertThat(early.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(early.error())
          .isEqualTo(
              "no writes: outside every allow window (allow window '0 9 * * 1-5' for PT8H"
                  + " (Europe/Berlin))");
      h.clock.advance(Duration.ofHours(8)); // 09:00 Berlin: the window opens
      assertThat(h.pass().status()).isEqualTo(PassStatus.SYNCED);
    }
  }

  @Test
  void denyWinsOverAnOpenAllowWindow() throws Exception {
    SyncWindow always = SyncWindow.allow("* * * * *", Duration.ofMinutes(1), BERLIN);
    SyncWindow freeze = SyncWindow.deny("0 1 1 1 *", Duration.ofDays(1), BERLIN);
    try (Harness h = new Harness(SyncPolicy.automatic(), always, freeze)) {
      h.repo.commit(files("a", "1"));
      PassResult result = h.pass();
      assertThat(result.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(result.error()).startsWith("no writes: deny window '0 1 1 1 *'");
    }
  }

  @Test
  void anApprovalGivenWhileTheWindowIsClosedWaitsForIt() throws Exception {
    SyncWindow night = SyncWindow.deny("0 0 * * *", Duration.ofHours(6), BERLIN);
    try (Harness h = new Harness(SyncPolicy.manualApproval(), night)) {
      h.repo.commit(files("a", "1"));
      String planId = h.pass().planId();
      PassResult approved = h.engine.approve(Harness.APP, planId).get(30, TimeUnit.SECONDS);
      assertThat(approved.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
      assertThat(h.target.writes()).isZero();

      h.clock.advance(Duration.ofHours(6));
      PassResult opened = h.pass();
      assertThat(opened.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(opened.planId()).isEqualTo(planId);
    }
  }
}
