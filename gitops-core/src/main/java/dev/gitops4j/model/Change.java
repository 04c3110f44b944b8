package dev.gitops4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One difference between the live and the desired tree of a resource, in the direction that turns
 * live into desired.
 *
 * @param op what happens at the path
 * @param path JSON Pointer (RFC 6901) into the desired tree; array elements matched by key use
 *     their index in the desired array
 * @param oldValue live value, {@code null} for {@link Op#ADD}
 * @param newValue desired value, {@code null} for {@link Op#REMOVE}
 */
public record Change(Op op, String path, JsonNode oldValue, JsonNode newValue) {

  /** The kind of difference at one path. */
  public enum Op {
    /** The path exists only in the desired tree. */
    ADD,
    /** The path exists only in the live tree. */
    REMOVE,
    /** The path exists in both with different values. */
    REPLACE
  }

  public Change {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(path, "path");
  }

  public static Change add(String path, JsonNode value) {
    return new Change(Op.ADD, path, null, value);
  }

  public static Change remove(String path, JsonNode value) {
    return new Change(Op.REMOVE, path, value, null);
  }

  public static Change replace(String path, JsonNode oldValue, JsonNode newValue) {
    return new Change(Op.REPLACE, path, oldValue, newValue);
  }

  /** Operation and path only: values may be secret and never go into logs by accident. */
  @Override
  public String toString() {
    return op.name().toLowerCase(java.util.Locale.ROOT) + " " + path;
  }
}
