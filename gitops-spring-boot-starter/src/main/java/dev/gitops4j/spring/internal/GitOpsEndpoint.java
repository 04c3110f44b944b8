package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/gitops4j}: every application with status, revision and last pass; {@code POST
 * /actuator/gitops4j/{name}} asks for a pass when {@code gitops4j.endpoint.sync-enabled} is true.
 */
@Endpoint(id = "gitops4j")
public final class GitOpsEndpoint {

  private final Engine engine;
  private final boolean syncEnabled;

  public GitOpsEndpoint(Engine engine, boolean syncEnabled) {
    this.engine = engine;
    this.syncEnabled = syncEnabled;
  }

  @ReadOperation
  public Map<String, List<ApplicationStatus>> applications() {
    return Map.of(
        "applications",
        engine.applications().stream().map(name -> ApplicationStatus.of(engine, name)).toList());
  }

  @ReadOperation
  public WebEndpointResponse<Object> application(@Selector String name) {
    if (engine.application(name).isEmpty()) {
      return new WebEndpointResponse<>(
          Map.of("error", "no application " + name), WebEndpointResponse.STATUS_NOT_FOUND);
    }
    return new WebEndpointResponse<>(ApplicationStatus.of(engine, name));
  }

  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> sync(@Selector String name) {
    if (!syncEnabled) {
      return new WebEndpointResponse<>(
          Map.of("error", "sync is disabled: set gitops4j.endpoint.sync-enabled=true"), 403);
    }
    if (engine.application(name).isEmpty()) {
      return new WebEndpointResponse<>(
          Map.of("error", "no application " + name), WebEndpointResponse.STATUS_NOT_FOUND);
    }
    engine.trigger(name);
    return new WebEndpointResponse<>(
        Map.of("accepted", true, "application", name), WebEndpointResponse.STATUS_OK);
  }
}
