package dev.gitops4j.web.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.web.Action;
import dev.gitops4j.web.Authorizer;
import dev.gitops4j.web.Principal;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs actions for a principal: checks that actions are enabled, the principal is known and
 * allowed, and the arguments fit the application's state; records the action in the history with
 * the principal; then asks the engine. Nothing is done when any check or the record fails.
 */
public final class Actions {

  private static final Logger LOG = LoggerFactory.getLogger(Actions.class);
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._/+-]{1,200}");
  private static final Pattern PLAN_ID = Pattern.compile("[A-Za-z0-9]{1,128}");

  private final Engine engine;
  private final Views views;
  private final HistoryStore history;
  private final Authorizer authorizer;
  private final boolean enabled;
  private final Clock clock;

  public Actions(
      Engine engine,
      Views views,
      HistoryStore history,
      Authorizer authorizer,
      boolean enabled,
      Clock clock) {
    this.engine = engine;
    this.views = views;
    this.history = history;
    this.authorizer = authorizer;
    this.enabled = enabled;
    this.clock = clock;
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether the principal may perform the action on the application (for showing buttons). */
  public boolean allowed(Principal principal, Action action, String application) {
    return enabled && principal != null && authorizer.allows(principal, action, application);
  }

  /**
   * @param arguments {@code planId} for approve, {@code revision} for rollback
   * @return what was accepted
   * @throws WebError with 401, 403, 400, 404 or 409 when the action is refused
   */
  public ObjectNode perform(
      Principal principal, String name, Action action, Map<String, String> arguments) {
    if (!enabled) {
      throw new WebError(403, "read_only", "actions are disabled: this dashboard is read-only");
    }
    if (principal == null) {
      throw new WebError(401, "unauthenticated", "sign in to " + action.pathName() + " " + name);
    }
    Application app = views.application(name);
    if (!authorizer.allows(principal, action, name)) {
      LOG.warn("refused {} of {} to {}", action.pathName(), name, principal.name());
      throw new WebError(
          403,
          "forbidden",
          principal.name() + " is not allowed to " + action.pathName() + " " + name);
    }
    String revision = "";
    String summary;
    Trigger trigger;
    switch (action) {
      case SYNC -> {
        trigger = Trigger.MANUAL;
        summary = "sync";
      }
      case APPROVE -> {
        String planId = required(arguments, "planId", PLAN_ID);
        PassResult awaiting = awaitingApproval(app.name());
        if (!awaiting.planId().equals(planId)) {
          throw WebError.conflict(
              "plan "
                  + planId
                  + " of "
                  + name
                  + " does not await approval: plan "
                  + awaiting.planId()
                  + " does");
        }
        trigger = Trigger.APPROVAL;
        revision = awaiting.revision();
        summary = "approve plan " + planId;
      }
      case SUSPEND -> {
        trigger = Trigger.MANUAL;
        summary = "suspend";
      }
      case RESUME -> {
        trigger = Trigger.MANUAL;
        summary = "resume";
      }
      case ROLLBACK -> {
        revision = required(arguments, "revision", REVISION);
        if (!inHistory(app.name(), revision)) {
          throw WebError.badRequest(
              "revision "
                  + revision
                  + " is not in the history of "
                  + name
                  + ": nothing to roll back to");
        }
        trigger = Trigger.ROLLBACK;
        summary = "rollback to " + revision;
      }
      case UNPIN -> {
        if (engine.pinnedRevision(name).isEmpty()) {
          throw WebError.conflict(name + " is not pinned to a revision");
        }
        trigger = Trigger.ROLLBACK;
        summary = "unpin";
      }
      default -> throw new IllegalStateException("unhandled action " + action);
    }
    record(app.name(), trigger, revision, principal, summary);
    try {
      run(app.name(), action, arguments);
    } catch (NoSuchElementException e) {
      throw WebError.notFound("no application '" + name + "'");
    } catch (IllegalArgumentException e) {
      throw WebError.badRequest(e.getMessage());
    }
    LOG.info("{} of {} requested by {}", action.pathName(), name, principal.name());
    ObjectNode accepted = JsonNodeFactory.instance.objectNode();
    accepted.put("accepted", true);
    accepted.put("application", name);
    accepted.put("action", action.pathName());
    accepted.put("principal", principal.name());
    accepted.put("summary", summary);
    return accepted;
  }

  private void run(String name, Action action, Map<String, String> arguments) {
    switch (action) {
      case SYNC -> engine.trigger(name);
      case APPROVE -> engine.approve(name, arguments.get("planId"));
      case SUSPEND -> {
        engine.suspend(name);
        // A pass of a suspended application only records SUSPENDED: the status shows at once.
        engine.trigger(name);
      }
      case RESUME -> engine.resume(name);
      case ROLLBACK -> engine.rollback(name, arguments.get("revision"));
      case UNPIN -> engine.unpin(name);
      default -> throw new IllegalStateException("unhandled action " + action);
    }
  }

  private PassResult awaitingApproval(String name) {
    Optional<PassResult> last = engine.lastResult(name);
    if (last.isEmpty() || last.get().status() != PassStatus.AWAITING_APPROVAL) {
      throw WebError.conflict("no plan of " + name + " awaits approval");
    }
    return last.get();
  }

  private boolean inHistory(String name, String revision) {
    try {
      return history.list(name, Integer.MAX_VALUE).stream()
          .anyMatch(r -> r.revision().equals(revision) && !r.status().equals(Views.ACTION));
    } catch (IOException e) {
      throw new WebError(503, "history_unavailable", "cannot read the history: " + e.getMessage());
    }
  }

  private void record(
      String name, Trigger trigger, String revision, Principal principal, String summary) {
    try {
      history.append(
          new HistoryRecord(
              clock.instant(),
              name,
              trigger,
              revision,
              principal.name(),
              "",
              "",
              Views.ACTION,
              summary,
              List.of(),
              "",
              Duration.ZERO,
              ""));
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot record {} of {} in the history", summary, name, e);
      throw new WebError(
          503,
          "history_unavailable",
          "cannot record the action in the history, so nothing was done: " + e.getMessage());
    }
  }

  private static String required(Map<String, String> arguments, String key, Pattern pattern) {
    String value = arguments.get(key);
    if (value == null || value.isBlank()) {
      throw WebError.badRequest("missing '" + key + "'");
    }
    if (!pattern.matcher(value).matches()) {
      throw WebError.badRequest("'" + key + "' must match " + pattern.pattern());
    }
    return value;
  }
}
