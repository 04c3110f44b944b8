package dev.gitops4j.notify;

import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One thing worth telling about an application. Built only from what the engine reports ({@code
 * PassResult}, {@code DriftReport}, {@code ApprovalRequest}): resource ids, change paths, counts
 * and the engine's redacted diff, never resource values.
 *
 * @param event what happened
 * @param application application name
 * @param trigger what started the pass, or {@code null} when unknown
 * @param revision the revision concerned, or empty when it could not be resolved
 * @param author commit author as {@code Name <email>}, or empty when unknown
 * @param subject first line of the commit message, or empty
 * @param changes what the plan creates, updates and deletes, or {@code null} when there was no plan
 * @param health health after the pass, or {@code null} when not assessed
 * @param error the error of a failed pass, or empty
 * @param retryable for {@link Event#SYNC_FAILED}: whether a retry of the same revision may succeed
 *     (an unreachable target) rather than the revision being at fault (it does not render)
 * @param drift the out-of-sync resources, or {@code null} for events without drift
 * @param diff redacted unified diff (approvals only), or empty
 * @param planId the plan id (approvals and syncs), or empty
 * @param time when the engine reported it
 */
public record Notification(
    Event event,
    String application,
    Trigger trigger,
    String revision,
    String author,
    String subject,
    Changes changes,
    Health health,
    String error,
    boolean retryable,
    DriftSummary drift,
    String diff,
    String planId,
    Instant time) {

  public Notification {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(application, "application");
    revision = Objects.requireNonNullElse(revision, "");
    author = Objects.requireNonNullElse(author, "");
    subject = Objects.requireNonNullElse(subject, "");
    error = Objects.requireNonNullElse(error, "");
    diff = Objects.requireNonNullElse(diff, "");
    planId = Objects.requireNonNullElse(planId, "");
    Objects.requireNonNull(time, "time");
  }

  /** The revision shortened to 12 characters, for titles. */
  public String shortRevision() {
    return revision.length() > 12 ? revision.substring(0, 12) : revision;
  }

  /** One line for chats and commit statuses, e.g. {@code shop: sync succeeded at 1a2b3c (...)}. */
  public String headline() {
    StringBuilder line =
        new StringBuilder(application)
            .append(": ")
            .append(event.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    if (!revision.isEmpty()) {
      line.append(" at ").append(shortRevision());
    }
    String detail =
        !error.isEmpty()
            ? error
            : changes != null && event != Event.HEALTH_DEGRADED && event != Event.HEALTH_RECOVERED
                ? changes.summary()
                : health != null ? health.status() + " " + health.message() : "";
    if (!detail.isBlank()) {
      line.append(" (").append(detail.strip()).append(')');
    }
    return line.toString();
  }

  /**
   * What a plan does.
   *
   * @param created resources to create
   * @param updated resources to update
   * @param deleted resources to delete
   * @param summary {@link Plan#summary()}
   */
  public record Changes(long created, long updated, long deleted, String summary) {

    public static Changes of(Plan plan) {
      return new Changes(
          plan.count(Step.Action.CREATE),
          plan.count(Step.Action.UPDATE),
          plan.count(Step.Action.DELETE),
          plan.summary());
    }
  }

  /**
   * The out-of-sync part of a drift report, without values.
   *
   * @param missing declared but absent
   * @param modified present with differences
   * @param extraneous present but no longer declared
   * @param resources up to {@link #MAX_LINES} lines such as {@code modified ConfigMap shop/a:
   *     replace /data/value}
   */
  public record DriftSummary(long missing, long modified, long extraneous, List<String> resources) {

    /** Lines kept in {@link #resources()}; the counts cover everything. */
    public static final int MAX_LINES = 20;

    public DriftSummary {
      resources = List.copyOf(resources);
    }

    public static DriftSummary of(DriftReport report) {
      List<String> lines =
          report.outOfSync().stream().limit(MAX_LINES).map(DriftSummary::line).toList();
      return new DriftSummary(
          report.count(Drift.Status.MISSING),
          report.count(Drift.Status.MODIFIED),
          report.count(Drift.Status.EXTRANEOUS),
          lines);
    }

    // Change.toString() is operation and path only: values may be secret.
    private static String line(Drift drift) {
      String status = drift.status().name().toLowerCase(java.util.Locale.ROOT);
      if (drift.changes().isEmpty()) {
        return status + " " + drift.id();
      }
      List<String> paths = drift.changes().stream().limit(5).map(Object::toString).toList();
      String more = drift.changes().size() > 5 ? ", ..." : "";
      return status + " " + drift.id() + ": " + String.join(", ", paths) + more;
    }

    public String summary() {
      return missing + " missing, " + modified + " modified, " + extraneous + " extraneous";
    }
  }
}
