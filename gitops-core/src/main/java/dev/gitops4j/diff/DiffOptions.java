package dev.gitops4j.diff;

import dev.gitops4j.diff.internal.PointerPattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable configuration of {@link StructuralDiffer} and {@link UnifiedDiff}.
 *
 * <pre>{@code
 * DiffOptions options = DiffOptions.custom()
 *     .normalizer(Normalizers.removeFields("/status", "/metadata/managedFields"))
 *     .ignore(IgnoreRule.of("/spec/replicas").forKind("apps/Deployment"))
 *     .arrayKey("/spec/template/spec/hostAliases", "ip")
 *     .build();
 * }</pre>
 */
public final class DiffOptions {

  /** Key fields tried, in order, for arrays of objects without a configured key. */
  public static final List<String> DEFAULT_ARRAY_KEYS =
      List.of("name", "containerPort", "mountPath", "devicePath", "key", "id");

  private static final DiffOptions DEFAULTS = custom().build();

  private final List<Normalizer> normalizers;
  private final List<IgnoreRule> ignoreRules;
  private final Map<String, String> arrayKeys;
  private final List<String> defaultArrayKeys;
  private final boolean treatEmptyAsAbsent;
  private final SecretRedactor redactor;

  private DiffOptions(Builder builder) {
    this.normalizers = List.copyOf(builder.normalizers);
    this.ignoreRules = List.copyOf(builder.ignoreRules);
    this.arrayKeys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.arrayKeys));
    this.defaultArrayKeys = List.copyOf(builder.defaultArrayKeys);
    this.treatEmptyAsAbsent = builder.treatEmptyAsAbsent;
    this.redactor = builder.redactor;
  }

  /**
   * No normalizers or ignore rules, {@link #DEFAULT_ARRAY_KEYS}, empty values treated as absent,
   * Kubernetes Secret values redacted.
   */
  public static DiffOptions ofDefaults() {
    return DEFAULTS;
  }

  public static Builder custom() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.normalizers.addAll(normalizers);
    builder.ignoreRules.addAll(ignoreRules);
    builder.arrayKeys.putAll(arrayKeys);
    builder.defaultArrayKeys = defaultArrayKeys;
    builder.treatEmptyAsAbsent = treatEmptyAsAbsent;
    builder.redactor = redactor;
    return builder;
  }

  /** Normalizers applied in order to both sides. */
  public List<Normalizer> normalizers() {
    return normalizers;
  }

  public List<IgnoreRule> ignoreRules() {
    return ignoreRules;
  }

  /** Key field per array location pattern. */
  public Map<String, String> arrayKeys() {
    return arrayKeys;
  }

  public List<String> defaultArrayKeys() {
    return defaultArrayKeys;
  }

  public boolean treatEmptyAsAbsent() {
    return treatEmptyAsAbsent;
  }

  /** Applied to change values in drift reports and to bodies before they are rendered. */
  public SecretRedactor redactor() {
    return redactor;
  }

  /** Builds {@link DiffOptions}; every setter checks its input at once. */
  public static final class Builder {
    private final List<Normalizer> normalizers = new ArrayList<>();
    private final List<IgnoreRule> ignoreRules = new ArrayList<>();
    private final Map<String, String> arrayKeys = new LinkedHashMap<>();
    private List<String> defaultArrayKeys = DEFAULT_ARRAY_KEYS;
    private boolean treatEmptyAsAbsent = true;
    private SecretRedactor redactor = SecretRedactor.kubernetesSecrets();

    private Builder() {}

    /** Adds a normalizer; normalizers run in the order added, before ignore rules. */
    public Builder normalizer(Normalizer normalizer) {
      normalizers.add(Objects.requireNonNull(normalizer, "normalizer"));
      return this;
    }

    /** Adds ignore rules. */
    public Builder ignore(IgnoreRule... rules) {
      for (IgnoreRule rule : rules) {
        ignoreRules.add(Objects.requireNonNull(rule, "ignore rule"));
      }
      return this;
    }

    /**
     * Matches the elements of the arrays at {@code arrayPattern} (a JSON Pointer pattern into the
     * desired tree, {@code *} for any one segment) by the value of their field {@code key}. When an
     * element lacks the key or two share a value, those arrays are matched by index.
     *
     * @throws IllegalArgumentException when the pattern is invalid, the key blank, or the pattern
     *     already has a key
     */
    public Builder arrayKey(String arrayPattern, String key) {
      PointerPattern.parse(arrayPattern);
      requireKey(key);
      String previous = arrayKeys.putIfAbsent(arrayPattern, key);
      if (previous != null) {
        throw new IllegalArgumentException(
            "array key for " + arrayPattern + " already set to '" + previous + "'");
      }
      return this;
    }

    /**
     * Key fields tried in order for arrays without a configured key: the first one that every
     * element of both arrays has, with values unique in each array, matches elements. No keys
     * matches every such array by index.
     */
    public Builder defaultArrayKeys(List<String> keys) {
      keys.forEach(Builder::requireKey);
      if (keys.stream().distinct().count() != keys.size()) {
        throw new IllegalArgumentException("default array keys repeat a key: " + keys);
      }
      this.defaultArrayKeys = List.copyOf(keys);
      return this;
    }

    /**
     * Whether an object field holding null, an empty array or an object of only such values
     * compares equal to an absent field (default {@code true}): {@code {}}, {@code []} and {@code
     * null} versus missing is the most common false drift.
     */
    public Builder treatEmptyAsAbsent(boolean treatEmptyAsAbsent) {
      this.treatEmptyAsAbsent = treatEmptyAsAbsent;
      return this;
    }

    /** Redactor for change values and rendered bodies (default Kubernetes Secrets). */
    public Builder redactor(SecretRedactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    public DiffOptions build() {
      return new DiffOptions(this);
    }

    private static void requireKey(String key) {
      Objects.requireNonNull(key, "array key");
      if (key.isBlank()) {
        throw new IllegalArgumentException("array key must not be blank");
      }
    }
  }
}
