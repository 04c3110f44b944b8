package dev.gitops4j.web.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.UnifiedDiff;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.ResourceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The view model, as JSON trees, built from the engine's public API: the API returns these trees
 * and the pages render them. Diffs come from each application's own target {@link UnifiedDiff}, so
 * they are redacted exactly as the history and approvals are.
 */
public final class Views {

  /** History status of the records the dashboard writes for actions. */
  public static final String ACTION = "ACTION";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int MAX_HISTORY = 500;

  private final Engine engine;
  private final HistoryStore history;

  public Views(Engine engine, HistoryStore history) {
    this.engine = engine;
    this.history = history;
  }

  /** The application named {@code name}, or 404. */
  public Application application(String name) {
    return engine
        .application(name)
        .orElseThrow(() -> WebError.notFound("no application '" + name + "'"));
  }

  public ObjectNode applications() {
    ObjectNode root = JSON.objectNode();
    ArrayNode list = root.putArray("applications");
    for (String name : engine.applications().stream().sorted().toList()) {
      engine.application(name).ifPresent(app -> list.add(summary(app)));
    }
    return root;
  }

  /** Status, health, revision, last pass, drift counts and the plan awaiting approval. */
  public ObjectNode summary(Application app) {
    ObjectNode node = JSON.objectNode();
    node.put("name", app.name());
    node.put("source", app.source().describe());
    node.put("endpoint", app.target().endpoint());
    node.put("policy", app.policy().mode().name());
    Optional<PassResult> last = engine.lastResult(app.name());
    node.put("status", last.map(r -> r.status().name()).orElse("NOT_RUN"));
    ObjectNode health = node.putObject("health");
    health.put(
        "status",
        last.filter(r -> r.health() != null)
            .map(r -> r.health().status().name())
            .orElse("UNKNOWN"));
    health.put(
        "message", last.filter(r -> r.health() != null).map(r -> r.health().message()).orElse(""));
    node.put("revision", last.map(PassResult::revision).orElse(""));
    try {
      node.put("pinnedRevision", engine.pinnedRevision(app.name()).orElse(null));
    } catch (RuntimeException e) {
      node.putNull("pinnedRevision");
      node.put("pinError", e.getMessage());
    }
    if (last.isPresent()) {
      PassResult result = last.get();
      ObjectNode pass = node.putObject("lastPass");
      pass.put("trigger", result.trigger().name());
      pass.put("status", result.status().name());
      pass.put("started", result.started().toString());
      pass.put("durationMillis", result.duration().toMillis());
      pass.put("writes", result.writes());
      pass.put("error", result.error());
    } else {
      node.putNull("lastPass");
    }
    if (last.isPresent() && last.get().drift() != null) {
      List<ResourceState> resources = resources(last.get());
      ObjectNode counts = node.putObject("drift");
      counts.put("resources", resources.size());
      for (Drift.Status status : Drift.Status.values()) {
        counts.put(camel(status), resources.stream().filter(r -> r.status == status).count());
      }
    } else {
      node.putNull("drift");
    }
    PassResult awaiting =
        last.filter(r -> r.status() == PassStatus.AWAITING_APPROVAL && !r.planId().isEmpty())
            .orElse(null);
    if (awaiting != null) {
      ObjectNode plan = node.putObject("pendingPlan");
      plan.put("planId", awaiting.planId());
      plan.put("revision", awaiting.revision());
      plan.put("summary", Optional.ofNullable(awaiting.plan()).map(p -> p.summary()).orElse(""));
    } else {
      node.putNull("pendingPlan");
    }
    return node;
  }

  /** The summary plus every resource with its drift status. */
  public ObjectNode detail(Application app) {
    ObjectNode node = summary(app);
    node.put("intervalSeconds", app.interval().toSeconds());
    ArrayNode resources = node.putArray("resources");
    engine
        .lastResult(app.name())
        .filter(r -> r.drift() != null)
        .ifPresent(
            result -> {
              for (ResourceState state : resources(result)) {
                ObjectNode resource = resources.addObject();
                resource.put("resource", state.drift.id().toString());
                resource.put("kind", state.drift.id().kind());
                resource.put("scope", state.drift.id().scope());
                resource.put("name", state.drift.id().name());
                resource.put("status", state.status.name());
                resource.put(
                    "changes",
                    state.status == Drift.Status.MODIFIED ? state.drift.changes().size() : 0);
              }
            });
    return node;
  }

  /** A resource as it stands after the latest pass. */
  private record ResourceState(Drift drift, Drift.Status status) {}

  /**
   * The drift a pass found is still there unless the pass corrected it: after {@code SYNCED} the
   * declared resources are in sync and the extraneous ones were pruned, except those the plan kept.
   */
  private static List<ResourceState> resources(PassResult result) {
    List<ResourceState> states = new ArrayList<>();
    boolean corrected = result.status() == PassStatus.SYNCED;
    Set<ResourceId> kept = new HashSet<>();
    Optional.ofNullable(result.plan())
        .ifPresent(plan -> plan.kept().forEach(k -> kept.add(k.id())));
    for (Drift drift : result.drift().drifts()) {
      if (!corrected) {
        states.add(new ResourceState(drift, drift.status()));
      } else if (drift.status() != Drift.Status.EXTRANEOUS) {
        states.add(new ResourceState(drift, Drift.Status.IN_SYNC));
      } else if (kept.contains(drift.id())) {
        states.add(new ResourceState(drift, Drift.Status.EXTRANEOUS));
      }
    }
    return states;
  }

  /** Drift still outstanding after the latest pass: none once a pass corrected it. */
  private static Optional<DriftReport> outstanding(Optional<PassResult> last) {
    return last.filter(r -> r.status() != PassStatus.SYNCED && r.status() != PassStatus.IN_SYNC)
        .map(PassResult::drift);
  }

  private static String camel(Drift.Status status) {
    return switch (status) {
      case IN_SYNC -> "inSync";
      case MISSING -> "missing";
      case MODIFIED -> "modified";
      case EXTRANEOUS -> "extraneous";
    };
  }

  /**
   * The drift still outstanding after the latest pass as redacted unified diffs, one per resource
   * out of sync (what a pass corrected is in the history).
   */
  public ObjectNode diff(Application app) {
    ObjectNode node = JSON.objectNode();
    node.put("application", app.name());
    Optional<DriftReport> report = outstanding(engine.lastResult(app.name()));
    node.put("revision", report.map(DriftReport::revision).orElse(""));
    ArrayNode resources = node.putArray("resources");
    StringBuilder text = new StringBuilder();
    UnifiedDiff unified = app.target().unifiedDiff();
    report.ifPresent(
        drifts -> {
          for (Drift drift : drifts.outOfSync()) {
            String diff = unified.render(drift);
            ObjectNode resource = resources.addObject();
            resource.put("resource", drift.id().toString());
            resource.put("status", drift.status().name());
            resource.put("diff", diff);
            text.append(diff);
          }
        });
    node.put("text", text.toString());
    return node;
  }

  /** The newest records of the application and the result of checking the whole hash chain. */
  public ObjectNode history(Application app, int limit) {
    if (limit < 1 || limit > MAX_HISTORY) {
      throw WebError.badRequest("limit must be between 1 and " + MAX_HISTORY + ", got " + limit);
    }
    ObjectNode node = JSON.objectNode();
    node.put("application", app.name());
    if (history == null) {
      node.putNull("verification");
      node.putArray("records");
      node.put("message", "no history store was given to the dashboard");
      return node;
    }
    try {
      HistoryStore.Verification check = history.verify();
      ObjectNode verification = node.putObject("verification");
      verification.put("intact", check.intact());
      verification.put("records", check.records());
      verification.put("firstBadLine", check.firstBadLine());
      verification.put("reason", check.reason());
      ArrayNode records = node.putArray("records");
      for (HistoryRecord record : history.list(app.name(), limit)) {
        records.add(record(record));
      }
    } catch (IOException e) {
      throw new WebError(503, "history_unavailable", "cannot read the history: " + e.getMessage());
    }
    return node;
  }

  /** Revisions the application's passes reconciled, newest first: the rollback choices. */
  public List<String> revisions(Application app) {
    if (history == null) {
      return List.of();
    }
    try {
      return history.list(app.name(), MAX_HISTORY).stream()
          .filter(r -> !r.revision().isEmpty() && !r.status().equals(ACTION))
          .map(HistoryRecord::revision)
          .distinct()
          .toList();
    } catch (IOException e) {
      throw new WebError(503, "history_unavailable", "cannot read the history: " + e.getMessage());
    }
  }

  private static ObjectNode record(HistoryRecord record) {
    ObjectNode node = JSON.objectNode();
    node.put("time", record.time().toString());
    node.put("trigger", record.trigger().name());
    node.put("status", record.status());
    node.put("revision", record.revision());
    node.put("author", record.author());
    if (record.status().equals(ACTION)) {
      node.put("principal", record.author());
    }
    node.put("committer", record.committer());
    node.put("signature", record.signature());
    node.put("planSummary", record.planSummary());
    ArrayNode changes = node.putArray("changes");
    for (HistoryRecord.ChangeOutcome change : record.changes()) {
      ObjectNode c = changes.addObject();
      c.put("resource", change.resource());
      c.put("action", change.action());
      c.put("outcome", change.outcome());
      c.put("message", change.message());
    }
    node.put("diff", record.diff());
    node.put("durationMillis", record.duration().toMillis());
    node.put("error", record.error());
    return node;
  }
}
