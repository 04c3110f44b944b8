package dev.gitops4j.source.internal;

import dev.gitops4j.source.SourceException;
import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.SourceLimits;

/** Counts what one read has taken so far and fails as soon as a limit is crossed. */
public final class LimitTracker {

  private final SourceLimits limits;
  private int files;
  private long totalBytes;

  public LimitTracker(SourceLimits limits) {
    this.limits = limits;
  }

  /** Checks a directory at {@code depth} levels below the source root (its first level is 1). */
  public void enterDirectory(String path, int depth) throws SourceException {
    if (depth > limits.maxDepth()) {
      throw new SourceException(
          Reason.LIMIT_EXCEEDED,
          "directory '"
              + path
              + "' is nested "
              + depth
              + " levels deep; the limit is "
              + limits.maxDepth());
    }
  }

  /** Checks one more file before its content is loaded. */
  public void addFile(String path, long size) throws SourceException {
    if (size > limits.maxFileSize()) {
      throw new SourceException(
          Reason.LIMIT_EXCEEDED,
          "file '" + path + "' has " + size + " bytes; the limit is " + limits.maxFileSize());
    }
    files++;
    if (files > limits.maxFileCount()) {
      throw new SourceException(
          Reason.LIMIT_EXCEEDED,
          "more than " + limits.maxFileCount() + " files; the limit was reached at '" + path + "'");
    }
    totalBytes += size;
    if (totalBytes > limits.maxTotalBytes()) {
      throw new SourceException(
          Reason.LIMIT_EXCEEDED,
          "files exceed "
              + limits.maxTotalBytes()
              + " bytes in total; the limit was reached at '"
              + path
              + "'");
    }
  }

  /** Number of directory levels above a file path ({@code a/b/c.yaml} has 2). */
  public static int depthOfFile(String relativePath) {
    int depth = 0;
    for (int i = 0; i < relativePath.length(); i++) {
      if (relativePath.charAt(i) == '/') {
        depth++;
      }
    }
    return depth;
  }
}
