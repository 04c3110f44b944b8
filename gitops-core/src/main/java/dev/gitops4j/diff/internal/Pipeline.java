package dev.gitops4j.diff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.diff.DiffOptions;
import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.Normalizer;
import dev.gitops4j.model.ResourceId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link DiffOptions} compiled once: normalization, ignore rules and the tree comparison. */
public final class Pipeline {

  private final Normalizer[] normalizers;
  private final IgnoreRule[] rules;
  private final PointerPattern[] rulePatterns;
  private final TreeDiff treeDiff;

  public Pipeline(DiffOptions options) {
    this.normalizers = options.normalizers().toArray(new Normalizer[0]);
    List<IgnoreRule> ignoreRules = options.ignoreRules();
    this.rules = ignoreRules.toArray(new IgnoreRule[0]);
    this.rulePatterns = new PointerPattern[rules.length];
    for (int i = 0; i < rules.length; i++) {
      rulePatterns[i] = PointerPattern.parse(rules[i].pointer());
    }
    Map<PointerPattern, String> keys = new LinkedHashMap<>();
    options.arrayKeys().forEach((pattern, key) -> keys.put(PointerPattern.parse(pattern), key));
    this.treeDiff = new TreeDiff(options.treatEmptyAsAbsent(), keys, options.defaultArrayKeys());
  }

  public TreeDiff treeDiff() {
    return treeDiff;
  }

  /**
   * The body as compared: normalized, then without ignored locations.
   *
   * @throws IllegalStateException naming the resource when a normalizer fails or returns null
   */
  public JsonNode prepare(ResourceId id, JsonNode body) {
    JsonNode result = body;
    for (Normalizer normalizer : normalizers) {
      try {
        result = normalizer.normalize(id, result);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "normalizer " + normalizer.getClass().getName() + " failed for " + id, e);
      }
      if (result == null) {
        throw new IllegalStateException(
            "normalizer " + normalizer.getClass().getName() + " returned null for " + id);
      }
    }
    for (int i = 0; i < rules.length; i++) {
      if (rules[i].appliesTo(id)) {
        result = rulePatterns[i].remove(result);
      }
    }
    return result;
  }
}
