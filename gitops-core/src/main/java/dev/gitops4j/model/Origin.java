package dev.gitops4j.model;

import java.util.Objects;

/**
 * Where a piece of desired state was declared: a file of the source and a position in it.
 *
 * @param file path relative to the source root, with {@code /} separators
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 */
public record Origin(String file, int line, int column) {

  public Origin {
    Objects.requireNonNull(file, "file");
  }

  public static Origin of(String file, int line) {
    return new Origin(file, line, 0);
  }

  /** {@code file:line:column}, the form compilers use, so editors can jump to it. */
  @Override
  public String toString() {
    if (line <= 0) {
      return file;
    }
    return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }
}
