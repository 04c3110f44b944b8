package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.terraform.PlanMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Maps a plan into the core model. Pure. The CLI already computed the diff, so drift comes from the
 * plan's actions, not from comparing bodies:
 *
 * <ul>
 *   <li>{@code no-op} → in sync; {@code create} → missing; {@code update} and replace → modified,
 *       with the attribute paths that differ; {@code delete} and {@code forget} → extraneous;
 *       {@code read} (data) is not a write and is left out.
 *   <li>Refresh-only plans: a resource deleted outside → missing; changed outside → modified, with
 *       the state as the desired side and the refreshed object as the live side.
 *   <li>Root outputs are resources of kind {@value PlanView#OUTPUT_KIND}, so output-only plans
 *       apply.
 * </ul>
 *
 * <p>Every live resource's version is the plan's digest, so the core plan id (revision, steps,
 * desired bodies, live versions) changes whenever the plan's content does.
 */
public final class PlanMapping {

  private PlanMapping() {}

  public static DriftReport drifts(
      String revision, PlanView plan, PlanMode mode, Function<ResourceId, Origin> origins) {
    List<Drift> declared = new ArrayList<>();
    List<Drift> extraneous = new ArrayList<>();
    if (mode == PlanMode.REFRESH_ONLY) {
      for (PlanView.ResourceChange change : plan.drift()) {
        DesiredResource desired = desired(change.id(), change.before(), revision, origins);
        if (change.actions().contains("delete")) {
          declared.add(Drift.missing(desired));
        } else if (change.actions().contains("update")) {
          LiveResource live = live(change.id(), change.after(), plan);
          List<Change> changes = SensitiveValues.changes(change.after(), change.before());
          declared.add(Drift.modified(desired, live, nonEmpty(changes, live, desired)));
        }
      }
      return new DriftReport(revision, declared);
    }
    for (PlanView.ResourceChange change : plan.changes()) {
      add(
          change.id(),
          change.actions(),
          change.before(),
          change.after(),
          revision,
          plan,
          origins,
          declared,
          extraneous);
    }
    for (PlanView.OutputChange output : plan.outputs()) {
      add(
          output.id(),
          output.actions(),
          output.before(),
          output.after(),
          revision,
          plan,
          origins,
          declared,
          extraneous);
    }
    extraneous.sort(Comparator.comparing(Drift::id));
    declared.addAll(extraneous);
    return new DriftReport(revision, declared);
  }

  private static void add(
      ResourceId id,
      List<String> actions,
      JsonNode before,
      JsonNode after,
      String revision,
      PlanView plan,
      Function<ResourceId, Origin> origins,
      List<Drift> declared,
      List<Drift> extraneous) {
    boolean create = actions.contains("create");
    boolean delete = actions.contains("delete") || actions.contains("forget");
    if (create && delete || actions.contains("update")) {
      DesiredResource desired = desired(id, after, revision, origins);
      LiveResource live = live(id, before, plan);
      List<Change> changes = SensitiveValues.changes(before, after);
      declared.add(Drift.modified(desired, live, nonEmpty(changes, live, desired)));
    } else if (create) {
      declared.add(Drift.missing(desired(id, after, revision, origins)));
    } else if (delete) {
      extraneous.add(Drift.extraneous(live(id, before, plan)));
    } else if (actions.contains("no-op") && !before.isNull()) {
      declared.add(Drift.inSync(desired(id, after, revision, origins), live(id, before, plan)));
    }
  }

  /** A replace forced by a trigger may change no attribute; it still is a change. */
  private static List<Change> nonEmpty(
      List<Change> changes, LiveResource live, DesiredResource desired) {
    return changes.isEmpty() ? List.of(Change.replace("", live.body(), desired.body())) : changes;
  }

  /** The live resources a plan shows: everything that exists before the change. */
  public static List<LiveResource> live(PlanView plan, PlanMode mode) {
    List<LiveResource> live = new ArrayList<>();
    if (mode == PlanMode.REFRESH_ONLY) {
      for (PlanView.ResourceChange change : plan.drift()) {
        if (!change.after().isNull()) {
          live.add(live(change.id(), change.after(), plan));
        }
      }
      return live;
    }
    for (PlanView.ResourceChange change : plan.changes()) {
      if (!change.before().isNull()) {
        live.add(live(change.id(), change.before(), plan));
      }
    }
    for (PlanView.OutputChange output : plan.outputs()) {
      if (!output.before().isNull()) {
        live.add(live(output.id(), output.before(), plan));
      }
    }
    return live;
  }

  /**
   * The resources {@code plan} destroys (deletes without re-creating) that {@code inventory} does
   * not hold. Terraform applies a plan as a whole, so one such resource makes the whole plan
   * unacceptable.
   */
  public static List<PlanView.ResourceChange> unownedDestroys(PlanView plan, Inventory inventory) {
    List<PlanView.ResourceChange> unowned = new ArrayList<>();
    for (PlanView.ResourceChange change : plan.changes()) {
      boolean destroys =
          change.actions().contains("delete") && !change.actions().contains("create");
      if (destroys && !inventory.contains(change.id())) {
        unowned.add(change);
      }
    }
    return unowned;
  }

  private static DesiredResource desired(
      ResourceId id, JsonNode body, String revision, Function<ResourceId, Origin> origins) {
    return new DesiredResource(id, body, origins.apply(id), revision);
  }

  /** Everything in a workspace's state belongs to the application that owns the workspace. */
  private static LiveResource live(ResourceId id, JsonNode body, PlanView plan) {
    return new LiveResource(id, body, plan.digest(), true);
  }
}
