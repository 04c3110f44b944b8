package dev.gitops4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One resource as it exists in the target.
 *
 * @param id identity of the resource
 * @param body observed content as a JSON tree; treat it as immutable
 * @param version target's version token (resourceVersion, ETag, hash), or {@code null}
 * @param owned whether the resource carries this application's ownership marker
 */
public record LiveResource(ResourceId id, JsonNode body, String version, boolean owned) {

  public LiveResource {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(body, "body");
  }

  /** Identity and version only: bodies may hold secrets and never go into logs by accident. */
  @Override
  public String toString() {
    return id + " (version " + version + (owned ? ", owned)" : ")");
  }
}
