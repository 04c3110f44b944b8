package dev.gitops4j.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.Wave;
import dev.gitops4j.render.InvalidDesiredStateException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns a drift report into an ordered plan. Pure: no I/O, same inputs give the same plan.
 *
 * <p>Creates and updates run first, in waves ordered by (explicit wave, target weight). Deletes
 * follow in the reverse of that order. Only resources that are both in the inventory and marked as
 * owned on the live side are deleted.
 */
public final class Planner {

  private final Ordering ordering;

  public Planner(Ordering ordering) {
    this.ordering = Objects.requireNonNull(ordering, "ordering");
  }

  /**
   * Plans the steps that bring the target to the report's revision.
   *
   * @throws PruneRefusedException when the revision declares nothing, the inventory is not empty,
   *     pruning is on and the policy does not allow an empty prune
   * @throws InvalidDesiredStateException when an explicit wave field is not an integer
   */
  public Plan plan(DriftReport report, Inventory inventory, PlanPolicy policy)
      throws PruneRefusedException, InvalidDesiredStateException {
    boolean declaresNothing = report.drifts().stream().allMatch(d -> d.desired() == null);
    if (policy.prune() && declaresNothing && !inventory.isEmpty() && !policy.allowEmptyPrune()) {
      throw new PruneRefusedException(
          "revision "
              + report.revision()
              + " declares no resources while "
              + inventory.resources().size()
              + " are owned; refusing to prune everything (allow it with"
              + " PlanPolicy.custom().allowEmptyPrune(true))");
    }

    Map<OrderKey, List<Step>> applies = new TreeMap<>();
    Map<OrderKey, List<Step>> deletes = new TreeMap<>(Comparator.reverseOrder());
    List<Plan.Kept> kept = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();

    for (Drift drift : report.drifts()) {
      switch (drift.status()) {
        case IN_SYNC -> {}
        case MISSING, MODIFIED -> {
          OrderKey key =
              key(drift.id(), drift.desired().body(), drift.desired().origin(), policy, problems);
          Step.Action action =
              drift.status() == Drift.Status.MISSING ? Step.Action.CREATE : Step.Action.UPDATE;
          applies
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(new Step(action, drift.id(), drift.desired(), drift.live(), drift.changes()));
        }
        case EXTRANEOUS -> {
          String reason = keepReason(drift.live(), inventory, policy);
          if (reason != null) {
            kept.add(new Plan.Kept(drift.id(), reason));
          } else {
            OrderKey key = key(drift.id(), drift.live().body(), null, policy, problems);
            deletes
                .computeIfAbsent(key, k -> new ArrayList<>())
                .add(new Step(Step.Action.DELETE, drift.id(), null, drift.live(), List.of()));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }

    List<Wave> waves = new ArrayList<>();
    for (List<Step> steps : applies.values()) {
      waves.add(new Wave(waves.size(), sorted(steps)));
    }
    for (List<Step> steps : deletes.values()) {
      waves.add(new Wave(waves.size(), sorted(steps)));
    }
    return new Plan(report.revision(), waves, kept);
  }

  private static String keepReason(LiveResource live, Inventory inventory, PlanPolicy policy) {
    if (!inventory.contains(live.id())) {
      return "not in the inventory";
    }
    if (!live.owned()) {
      return "not marked as owned";
    }
    if (!policy.prune()) {
      return "prune is off";
    }
    return null;
  }

  /**
   * Order key of a resource. A bad wave on a desired resource is a problem at its origin; on a live
   * resource about to be deleted it is ignored, since Git no longer holds it to fix.
   */
  private OrderKey key(
      ResourceId id, JsonNode body, Origin origin, PlanPolicy policy, List<Problem> problems) {
    int wave = 0;
    if (!policy.waveField().isEmpty()) {
      JsonNode field = body.at(policy.waveField());
      if (!field.isMissingNode() && !field.isNull()) {
        Integer parsed = parseWave(field);
        if (parsed != null) {
          wave = parsed;
        } else if (origin != null) {
          problems.add(
              new Problem(
                  origin, id + ": " + policy.waveField() + " must be an integer, got " + field));
        }
      }
    }
    return new OrderKey(wave, ordering.weight(id, body));
  }

  /**
   * The explicit wave of {@code body}: the integer at {@code waveField} (a JSON pointer), or 0 when
   * there is none or it is not an integer.
   */
  public static int explicitWave(JsonNode body, String waveField) {
    if (waveField.isEmpty() || body == null) {
      return 0;
    }
    JsonNode field = body.at(waveField);
    Integer parsed = field.isMissingNode() || field.isNull() ? null : parseWave(field);
    return parsed == null ? 0 : parsed;
  }

  private static Integer parseWave(JsonNode field) {
    if (field.isIntegralNumber() && field.canConvertToInt()) {
      return field.intValue();
    }
    if (field.isTextual()) {
      try {
        return Integer.parseInt(field.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static List<Step> sorted(List<Step> steps) {
    return steps.stream().sorted(Comparator.comparing(Step::id)).toList();
  }

  private record OrderKey(int wave, int weight) implements Comparable<OrderKey> {
    @Override
    public int compareTo(OrderKey other) {
      int byWave = Integer.compare(wave, other.wave);
      return byWave != 0 ? byWave : Integer.compare(weight, other.weight);
    }
  }
}
