package dev.gitops4j.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.gitops4j.diff.internal.JsonValues;
import dev.gitops4j.diff.internal.Pipeline;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.ResourceId;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Unified diffs of the YAML renderings of live and desired bodies, for people.
 *
 * <p>Bodies are prepared as the differ compares them (normalized, ignored locations removed, empty
 * values dropped when they count as absent, keyed arrays of the live body in desired order) and
 * then passed through the {@linkplain DiffOptions#redactor() redactor} before anything is turned
 * into text, so secret values never reach the output. Headers name the resource: {@code --- live/
 * apps/Deployment shop/web} and {@code +++ desired/apps/Deployment shop/web}; a side that does not
 * exist is {@code /dev/null}.
 *
 * <p>Thread-safe.
 */
public final class UnifiedDiff {

  private final DiffOptions options;
  private final Pipeline pipeline;
  private final YAMLMapper yaml;
  private final int contextLines;

  private UnifiedDiff(Builder builder) {
    this.options = builder.options;
    this.pipeline = new Pipeline(builder.options);
    this.contextLines = builder.contextLines;
    YAMLMapper mapper =
        new YAMLMapper(
            YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build());
    mapper.configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, builder.sortKeys);
    this.yaml = mapper;
  }

  /** Default diff options, keys in the order given, three lines of context. */
  public static UnifiedDiff ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** The diffs of every resource that is not in sync, one after the other; empty when none. */
  public String render(DriftReport report) {
    StringBuilder out = new StringBuilder();
    for (Drift drift : report.drifts()) {
      out.append(render(drift));
    }
    return out.toString();
  }

  /** The diff of one resource; empty when it is in sync. Ends with a line break. */
  public String render(Drift drift) {
    Objects.requireNonNull(drift, "drift");
    if (drift.isInSync()) {
      return "";
    }
    ResourceId id = drift.id();
    JsonNode desired = drift.desired() == null ? null : prepare(id, drift.desired().body());
    JsonNode live = drift.live() == null ? null : prepare(id, drift.live().body());
    if (live != null && desired != null) {
      live = pipeline.treeDiff().align(live, desired);
    }
    List<String> liveLines = lines(id, live);
    List<String> desiredLines = lines(id, desired);
    Patch<String> patch = DiffUtils.diff(liveLines, desiredLines);
    List<String> text =
        UnifiedDiffUtils.generateUnifiedDiff(
            live == null ? "/dev/null" : "live/" + id,
            desired == null ? "/dev/null" : "desired/" + id,
            liveLines,
            patch,
            contextLines);
    StringBuilder out = new StringBuilder();
    for (String line : text) {
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private JsonNode prepare(ResourceId id, JsonNode body) {
    JsonNode prepared = pipeline.prepare(id, body);
    return options.treatEmptyAsAbsent() ? JsonValues.dropEmpty(prepared) : prepared;
  }

  private List<String> lines(ResourceId id, JsonNode body) {
    if (body == null) {
      return List.of();
    }
    // Redact before rendering: nothing secret may ever become text.
    JsonNode redacted = options.redactor().redact(id, body);
    try {
      return yaml.writeValueAsString(redacted).lines().toList();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot render " + id + " as YAML", e);
    }
  }

  /** Builds a {@link UnifiedDiff}. */
  public static final class Builder {
    private DiffOptions options = DiffOptions.ofDefaults();
    private boolean sortKeys;
    private int contextLines = 3;

    private Builder() {}

    /**
     * Normalizers, ignore rules, array keys and redactor to apply (default {@link
     * DiffOptions#ofDefaults()}).
     */
    public Builder options(DiffOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Render object keys sorted instead of in the order given (default {@code false}). */
    public Builder sortKeys(boolean sortKeys) {
      this.sortKeys = sortKeys;
      return this;
    }

    /** Unchanged lines shown around each change (default 3). */
    public Builder contextLines(int contextLines) {
      if (contextLines < 0) {
        throw new IllegalArgumentException("context lines must be >= 0, got " + contextLines);
      }
      this.contextLines = contextLines;
      return this;
    }

    public UnifiedDiff build() {
      return new UnifiedDiff(this);
    }
  }
}
