package dev.gitops4j.history;

import dev.gitops4j.model.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The audit record of one reconcile pass. Holds no secret values: diffs are redacted before they
 * get here.
 *
 * @param time when the pass started
 * @param application application name
 * @param trigger what started the pass
 * @param revision source revision reconciled, or empty when it could not be resolved
 * @param author commit author as {@code Name <email>}, or empty
 * @param committer commit committer as {@code Name <email>}, or empty
 * @param signature signature verdict, e.g. {@code VERIFIED by SHA256:...}, or {@code NOT_CHECKED}
 * @param status outcome of the pass, e.g. {@code SYNCED}, {@code FAILED}
 * @param planSummary one-line plan summary, e.g. {@code 1 to create, 0 to update, 0 to delete}
 * @param changes outcome of each step
 * @param diff redacted unified diff of what changed, or empty
 * @param duration how long the pass took
 * @param error error message when the pass failed, or empty
 * @param inputs what rendering read besides the revision (see {@link
 *     dev.gitops4j.render.Renderer#externalInputs()}), e.g. {@code chart shop 1.4.2 sha256:...}, or
 *     empty
 */
public record HistoryRecord(
    Instant time,
    String application,
    Trigger trigger,
    String revision,
    String author,
    String committer,
    String signature,
    String status,
    String planSummary,
    List<ChangeOutcome> changes,
    String diff,
    Duration duration,
    String error,
    String inputs) {

  /**
   * What happened to one resource.
   *
   * @param resource resource identity as text
   * @param action {@code create}, {@code update} or {@code delete}
   * @param outcome {@code APPLIED}, {@code DRY_RUN}, {@code FAILED} or {@code SKIPPED}
   * @param message error or remark, may be empty
   */
  public record ChangeOutcome(String resource, String action, String outcome, String message) {}

  public HistoryRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(trigger, "trigger");
    revision = Objects.requireNonNullElse(revision, "");
    author = Objects.requireNonNullElse(author, "");
    committer = Objects.requireNonNullElse(committer, "");
    signature = Objects.requireNonNullElse(signature, "");
    Objects.requireNonNull(status, "status");
    planSummary = Objects.requireNonNullElse(planSummary, "");
    changes = List.copyOf(changes);
    diff = Objects.requireNonNullElse(diff, "");
    duration = Objects.requireNonNullElse(duration, Duration.ZERO);
    error = Objects.requireNonNullElse(error, "");
    inputs = Objects.requireNonNullElse(inputs, "");
  }

  /** A record of a pass whose rendering read nothing besides the revision. */
  public HistoryRecord(
      Instant time,
      String application,
      Trigger trigger,
      String revision,
      String author,
      String committer,
      String signature,
      String status,
      String planSummary,
      List<ChangeOutcome> changes,
      String diff,
      Duration duration,
      String error) {
    this(
        time,
        application,
        trigger,
        revision,
        author,
        committer,
        signature,
        status,
        planSummary,
        changes,
        diff,
        duration,
        error,
        "");
  }
}
