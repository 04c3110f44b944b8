package dev.gitops4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One resource as declared in Git.
 *
 * @param id identity of the resource
 * @param body the declared content as a JSON tree; treat it as immutable
 * @param origin file and line that declared it
 * @param revision source revision (commit id) it was read from
 */
public record DesiredResource(ResourceId id, JsonNode body, Origin origin, String revision) {

  public DesiredResource {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(revision, "revision");
  }

  /** Identity and origin only: bodies may hold secrets and never go into logs by accident. */
  @Override
  public String toString() {
    return id + " (" + origin + " @ " + revision + ")";
  }
}
