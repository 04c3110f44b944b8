package dev.gitops4j.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.diff.internal.Pipeline;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares JSON trees field by field.
 *
 * <p>Both bodies are first {@linkplain Normalizer normalized} and stripped of {@linkplain
 * IgnoreRule ignored} locations. Objects compare key by key. Arrays of objects compare element by
 * key when a key is configured for their location or a {@linkplain
 * DiffOptions.Builder#defaultArrayKeys default key} fits, otherwise by index; a different order of
 * keyed elements is not a change. Numbers compare by value ({@code 1} equals {@code 1.0}). With
 * {@linkplain DiffOptions.Builder#treatEmptyAsAbsent empty as absent}, {@code null}, {@code []} and
 * {@code {}} equal a missing field.
 *
 * <p>Each {@link Change} path is an RFC 6901 JSON Pointer. The list applies in order, like a JSON
 * Patch, to the live tree with its keyed arrays put in desired order: paths inside a keyed array
 * use the desired index, and removals of live-only elements come first, from the highest index
 * down, at their position after the matched ones. Change values are passed through the {@linkplain
 * DiffOptions#redactor() redactor}, so reports never carry secret values.
 *
 * <p>Thread-safe and pure.
 */
public final class StructuralDiffer implements Differ {

  private final DiffOptions options;
  private final Pipeline pipeline;

  private StructuralDiffer(DiffOptions options) {
    this.options = options;
    this.pipeline = new Pipeline(options);
  }

  public static StructuralDiffer ofDefaults() {
    return new StructuralDiffer(DiffOptions.ofDefaults());
  }

  public static StructuralDiffer of(DiffOptions options) {
    return new StructuralDiffer(Objects.requireNonNull(options, "options"));
  }

  public DiffOptions options() {
    return options;
  }

  @Override
  public DriftReport diff(DesiredState desired, LiveState live) {
    List<Drift> drifts = new ArrayList<>(desired.size() + 4);
    for (DesiredResource resource : desired.resources().values()) {
      LiveResource observed = live.resources().get(resource.id());
      if (observed == null) {
        drifts.add(Drift.missing(resource));
        continue;
      }
      List<Change> changes = changes(resource.id(), resource.body(), observed.body());
      drifts.add(
          changes.isEmpty()
              ? Drift.inSync(resource, observed)
              : Drift.modified(resource, observed, changes));
    }
    List<LiveResource> extraneous = new ArrayList<>();
    for (LiveResource resource : live.resources().values()) {
      if (!desired.resources().containsKey(resource.id())) {
        extraneous.add(resource);
      }
    }
    extraneous.sort((a, b) -> a.id().compareTo(b.id()));
    extraneous.forEach(resource -> drifts.add(Drift.extraneous(resource)));
    return new DriftReport(desired.revision(), drifts);
  }

  /**
   * The changes that turn the live body of one resource into the desired one, redacted; empty when
   * they are equal.
   */
  public List<Change> changes(ResourceId id, JsonNode desired, JsonNode live) {
    Objects.requireNonNull(id, "id");
    List<Change> changes =
        pipeline.treeDiff().diff(pipeline.prepare(id, live), pipeline.prepare(id, desired));
    return changes.isEmpty() ? changes : options.redactor().redactChanges(id, changes);
  }
}
