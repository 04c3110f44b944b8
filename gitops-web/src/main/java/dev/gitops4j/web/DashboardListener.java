package dev.gitops4j.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.web.internal.EventHub;

/**
 * Feeds the dashboard's live updates (server-sent events at {@code /api/events}) from the engine.
 * Register it on the engine builder and hand the same instance to {@link Dashboard#builder}:
 *
 * <pre>{@code
 * DashboardListener live = DashboardListener.create();
 * Engine engine = Engine.builder().application(app).history(history).listener(live).build();
 * Dashboard dashboard = Dashboard.builder(engine, live).history(history).build();
 * }</pre>
 *
 * <p>Callbacks only queue a small event (bounded; the oldest are dropped when clients are slow) and
 * never block a pass. Events carry names, statuses and revisions, never resource bodies.
 */
public final class DashboardListener implements ReconcileListener, AutoCloseable {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final EventHub hub;

  private DashboardListener(EventHub hub) {
    this.hub = hub;
  }

  public static DashboardListener create() {
    return new DashboardListener(new EventHub(EventHub.DEFAULT_MAX_SUBSCRIBERS));
  }

  /** The hub the dashboard subscribes browsers to. */
  EventHub hub() {
    return hub;
  }

  @Override
  public void passStarted(String application, Trigger trigger) {
    ObjectNode event = event(application);
    event.put("trigger", trigger.name());
    hub.publish("pass-started", event);
  }

  @Override
  public void passFinished(PassResult result) {
    ObjectNode event = event(result.application());
    event.put("status", result.status().name());
    event.put("revision", result.revision());
    event.put("trigger", result.trigger().name());
    event.put("health", result.health() == null ? "UNKNOWN" : result.health().status().name());
    event.put("planId", result.planId());
    hub.publish("pass", event);
  }

  @Override
  public void approvalNeeded(ApprovalRequest request) {
    ObjectNode event = event(request.application());
    event.put("planId", request.planId());
    event.put("revision", request.revision());
    event.put("summary", request.plan().summary());
    hub.publish("approval", event);
  }

  @Override
  public void healthChanged(String application, Health previous, Health current) {
    ObjectNode event = event(application);
    event.put("health", current.status().name());
    event.put("message", current.message());
    hub.publish("health", event);
  }

  /** Ends every open event stream. */
  @Override
  public void close() {
    hub.close();
  }

  private static ObjectNode event(String application) {
    ObjectNode event = JSON.objectNode();
    event.put("application", application);
    return event;
  }
}
