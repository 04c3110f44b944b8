package dev.gitops4j.render;

/**
 * Bounds on what {@link ManifestDecoder} reads from one file, so a hostile or broken file cannot
 * exhaust memory or time. Immutable; start from {@link #ofDefaults()} or {@link #custom()}.
 *
 * <p>Besides these, the YAML parser refuses a single YAML document longer than 3 MiB code points;
 * Kubernetes objects are far smaller (etcd stores at most 1.5 MiB per object).
 *
 * @param maxFileBytes largest file accepted, in bytes
 * @param maxDocuments most YAML documents in one file, empty ones included
 * @param maxDepth deepest nesting of mappings and lists; the top-level mapping is level 1; at most
 *     {@value #MAX_DEPTH_CEILING}, since decoding recurses once per level
 * @param maxAliases most YAML aliases ({@code *name}) in one file
 * @param maxAliasNodes most values that alias expansion may add to one file; stops "billion laughs"
 *     files, whose few aliases expand to an exponential number of values
 */
public record DecodeLimits(
    int maxFileBytes, int maxDocuments, int maxDepth, int maxAliases, int maxAliasNodes) {

  /** The highest {@link #maxDepth()} allowed. */
  public static final int MAX_DEPTH_CEILING = 1_000;

  public DecodeLimits {
    requirePositive(maxFileBytes, "maxFileBytes");
    requirePositive(maxDocuments, "maxDocuments");
    requireDepth(maxDepth);
    requirePositive(maxAliases, "maxAliases");
    requirePositive(maxAliasNodes, "maxAliasNodes");
  }

  /** 8 MiB per file, 10,000 documents, depth 100, 1,000 aliases expanding to 100,000 values. */
  public static DecodeLimits ofDefaults() {
    return new DecodeLimits(8 * 1024 * 1024, 10_000, 100, 1_000, 100_000);
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  private static void requireDepth(int maxDepth) {
    requirePositive(maxDepth, "maxDepth");
    if (maxDepth > MAX_DEPTH_CEILING) {
      throw new IllegalArgumentException(
          "maxDepth must be at most " + MAX_DEPTH_CEILING + ", got " + maxDepth);
    }
  }

  private static void requirePositive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** Builder for {@link DecodeLimits}; every value must be positive. */
  public static final class Builder {
    private final DecodeLimits defaults = ofDefaults();
    private int maxFileBytes = defaults.maxFileBytes();
    private int maxDocuments = defaults.maxDocuments();
    private int maxDepth = defaults.maxDepth();
    private int maxAliases = defaults.maxAliases();
    private int maxAliasNodes = defaults.maxAliasNodes();

    private Builder() {}

    public Builder maxFileBytes(int maxFileBytes) {
      requirePositive(maxFileBytes, "maxFileBytes");
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    public Builder maxDocuments(int maxDocuments) {
      requirePositive(maxDocuments, "maxDocuments");
      this.maxDocuments = maxDocuments;
      return this;
    }

    public Builder maxDepth(int maxDepth) {
      requireDepth(maxDepth);
      this.maxDepth = maxDepth;
      return this;
    }

    public Builder maxAliases(int maxAliases) {
      requirePositive(maxAliases, "maxAliases");
      this.maxAliases = maxAliases;
      return this;
    }

    public Builder maxAliasNodes(int maxAliasNodes) {
      requirePositive(maxAliasNodes, "maxAliasNodes");
      this.maxAliasNodes = maxAliasNodes;
      return this;
    }

    public DecodeLimits build() {
      return new DecodeLimits(maxFileBytes, maxDocuments, maxDepth, maxAliases, maxAliasNodes);
    }
  }
}
