package dev.gitops4j.source;

/**
 * Bounds on what a source reads from one revision, so a huge or hostile repository cannot exhaust
 * memory. Exceeding any of them fails the read with {@link SourceException.Reason#LIMIT_EXCEEDED}
 * naming the offending path.
 *
 * @param maxFileSize largest single file in bytes
 * @param maxFileCount most files in one snapshot
 * @param maxDepth deepest directory nesting below the source path
 * @param maxTotalBytes most bytes over all files of one snapshot
 */
public record SourceLimits(long maxFileSize, int maxFileCount, int maxDepth, long maxTotalBytes) {

  /** 1 MiB per file. */
  public static final long DEFAULT_MAX_FILE_SIZE = 1L << 20;

  /** 10,000 files. */
  public static final int DEFAULT_MAX_FILE_COUNT = 10_000;

  /** 32 directory levels. */
  public static final int DEFAULT_MAX_DEPTH = 32;

  /** 256 MiB over all files. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 256L << 20;

  public SourceLimits {
    positive(maxFileSize, "maxFileSize");
    positive(maxFileCount, "maxFileCount");
    positive(maxDepth, "maxDepth");
    positive(maxTotalBytes, "maxTotalBytes");
  }

  public static SourceLimits ofDefaults() {
    return new SourceLimits(
        DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILE_COUNT, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TOTAL_BYTES);
  }

  public static Builder custom() {
    return new Builder();
  }

  private static void positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** Builder starting from the defaults. */
  public static final class Builder {
    private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
    private int maxFileCount = DEFAULT_MAX_FILE_COUNT;
    private int maxDepth = DEFAULT_MAX_DEPTH;
    private long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;

    private Builder() {}

    public Builder maxFileSize(long bytes) {
      positive(bytes, "maxFileSize");
      this.maxFileSize = bytes;
      return this;
    }

    public Builder maxFileCount(int count) {
      positive(count, "maxFileCount");
      this.maxFileCount = count;
      return this;
    }

    public Builder maxDepth(int depth) {
      positive(depth, "maxDepth");
      this.maxDepth = depth;
      return this;
    }

    public Builder maxTotalBytes(long bytes) {
      positive(bytes, "maxTotalBytes");
      this.maxTotalBytes = bytes;
      return this;
    }

    public SourceLimits build() {
      return new SourceLimits(maxFileSize, maxFileCount, maxDepth, maxTotalBytes);
    }
  }
}
