package dev.gitops4j.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Origin;
import java.util.Map;
import java.util.Objects;

/**
 * One decoded document: a mapping read from a YAML or JSON file.
 *
 * @param origin file, line and column where the document's top-level mapping starts
 * @param body the document as a JSON tree, YAML aliases and merge keys already expanded; treat it
 *     as immutable
 * @param locations where values of the document were declared, by JSON Pointer ({@code ""} is the
 *     document itself); kept for the first values of large documents only, see {@link #locate}
 */
public record Manifest(Origin origin, JsonNode body, Map<String, Origin> locations) {

  public Manifest {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(body, "body");
    locations = Map.copyOf(locations);
  }

  /** A manifest without locations of its values. */
  public static Manifest of(Origin origin, JsonNode body) {
    return new Manifest(origin, body, Map.of());
  }

  /**
   * Where the value at {@code jsonPointer} was declared. Falls back to the nearest enclosing value
   * with a known location, and finally to {@link #origin()}, so a missing field is reported at its
   * parent.
   */
  public Origin locate(String jsonPointer) {
    String pointer = jsonPointer == null ? "" : jsonPointer;
    while (!pointer.isEmpty()) {
      Origin found = locations.get(pointer);
      if (found != null) {
        return found;
      }
      int slash = pointer.lastIndexOf('/');
      pointer = slash <= 0 ? "" : pointer.substring(0, slash);
    }
    return origin;
  }
}
