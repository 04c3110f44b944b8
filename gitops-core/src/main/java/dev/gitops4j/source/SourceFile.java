package dev.gitops4j.source;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One regular file of a snapshot.
 *
 * @param path path relative to the snapshot root, with {@code /} separators
 * @param content the bytes of the file; do not modify
 */
public record SourceFile(String path, byte[] content) {

  public SourceFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
  }

  public static SourceFile of(String path, String utf8) {
    return new SourceFile(path, utf8.getBytes(StandardCharsets.UTF_8));
  }

  /** File name extension in lower case without the dot, or empty. */
  public String extension() {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SourceFile file
        && path.equals(file.path)
        && java.util.Arrays.equals(content, file.content);
  }

  @Override
  public int hashCode() {
    return path.hashCode() * 31 + java.util.Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return path + " (" + content.length + " bytes)";
  }
}
