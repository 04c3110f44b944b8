package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.CommitInfo;
import dev.gitops4j.source.Person;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit trail: passes that changed something or changed status (quiet repeats are not
 * recorded), and the pins set by rollback and unpin.
 */
public final class PassRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(PassRecorder.class);

  /** History status of the record a rollback writes; {@link #UNPINNED} is written by unpin. */
  public enum PinStatus {
    PINNED,
    UNPINNED
  }

  private final HistoryStore history;
  private final Fence fence;
  private final Reconciler.DiffText diffText;

  public PassRecorder(HistoryStore history, Fence fence, Reconciler.DiffText diffText) {
    this.history = history;
    this.fence = fence;
    this.diffText = diffText;
  }

  void record(PassResult result, Pass pass) {
    if (history == null || result.status() == PassStatus.SUSPENDED) {
      return;
    }
    AppRuntime rt = pass.rt;
    boolean wrote = !result.results().isEmpty();
    boolean inSync = result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC;
    // A pass that finds what the last recorded one left is not news.
    String key =
        inSync
            ? "in-sync|" + result.revision() + "|" + pass.inputs
            : result.status()
                + "|"
                + result.revision()
                + "|"
                + result.planId()
                + "|"
                + result.error();
    if (!wrote && key.equals(rt.lastRecordKey)) {
      return;
    }
    rt.lastRecordKey = key;
    CommitInfo commit = result.commit();
    List<HistoryRecord.ChangeOutcome> changes = new ArrayList<>();
    for (StepResult step : result.results()) {
      changes.add(
          new HistoryRecord.ChangeOutcome(
              step.step().id().toString(),
              step.step().action().name().toLowerCase(Locale.ROOT),
              step.outcome().name(),
              step.message()));
    }
    String diff = wrote && pass.drift != null ? diffText.of(rt.app(), pass.drift) : "";
    HistoryRecord record =
        new HistoryRecord(
            result.started(),
            result.application(),
            result.trigger(),
            result.revision(),
            commit == null ? "" : person(commit.author()),
            commit == null ? "" : person(commit.committer()),
            commit == null ? "" : commit.signature().toString(),
            result.status().name(),
            result.plan() == null ? "" : result.plan().summary(),
            changes,
            diff,
            result.duration(),
            result.error(),
            pass.inputs);
    try {
      fence.check(result.application());
    } catch (FencedException e) {
      // The replica that holds the lease now records its own passes.
      LOG.warn("pass not recorded: {}", e.getMessage());
      return;
    }
    try {
      history.append(record);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot append to the history", e);
    }
  }

  /**
   * Records a pin to {@code revision} (null: unpin) before it takes effect, so that the audit trail
   * shows who moved the application off its ref even when the process dies right after.
   */
  public void recordPin(String application, String revision, Instant now) throws IOException {
    if (history == null) {
      return;
    }
    fence.check(application);
    history.append(
        new HistoryRecord(
            now,
            application,
            Trigger.ROLLBACK,
            revision == null ? "" : revision,
            "",
            "",
            "",
            (revision == null ? PinStatus.UNPINNED : PinStatus.PINNED).name(),
            "",
            List.of(),
            "",
            Duration.ZERO,
            ""));
  }

  private static String person(Person person) {
    return person == null ? "" : person.name() + " <" + person.email() + ">";
  }
}
