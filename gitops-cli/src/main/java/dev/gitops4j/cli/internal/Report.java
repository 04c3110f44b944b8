package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Step;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Prints pass results the same way for every command. */
final class Report {

  private Report() {}

  static void pass(PrintWriter out, Workspace.Unit unit, PassResult result, boolean steps) {
    StringBuilder line = new StringBuilder(unit.label()).append(": ").append(result.status());
    if (!result.revision().isEmpty()) {
      line.append(" at ").append(shortId(result.revision()));
    }
    line.append(" (").append(source(unit)).append(')');
    if (result.failed()) {
      line.append(": ").append(result.error()).append(unit.explain(result.error()));
    } else {
      Optional.ofNullable(result.plan())
          .ifPresent(plan -> line.append(": ").append(plan.summary()));
      if (!result.error().isEmpty()) {
        // Why a pass that did not fail still wrote nothing: a sync window, a dependency.
        line.append(" (").append(result.error()).append(')');
      }
    }
    out.println(line);
    if (steps && !result.failed()) {
      Optional.ofNullable(result.plan()).ifPresent(plan -> printSteps(out, plan));
    }
    out.flush();
  }

  /** What the unit follows: its ref, or the revision a rollback pinned it to. */
  static String source(Workspace.Unit unit) {
    String ref = unit.spec().ref().describe();
    if (unit.pinned() == null) {
      return ref;
    }
    return "pinned to "
        + shortId(unit.pinned())
        + " by rollback; 'gitops4j unpin "
        + unit.spec().name()
        + "' follows "
        + ref
        + " again";
  }

  /**
   * One line on {@code err} naming the units whose pass failed, when there are several units: in a
   * fleet, which hosts to look at.
   */
  static void failures(PrintWriter err, List<Workspace.Unit> units, List<PassResult> results) {
    List<String> failed = new java.util.ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).failed()) {
        failed.add(units.get(i).label());
      }
    }
    if (!failed.isEmpty() && units.size() > 1) {
      err.println(
          "error: "
              + failed.size()
              + " of "
              + units.size()
              + " failed: "
              + String.join("; ", failed));
      err.flush();
    }
  }

  private static void printSteps(PrintWriter out, Plan plan) {
    for (Step step : plan.steps()) {
      String mark =
          switch (step.action()) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case DELETE -> "-";
          };
      String paths =
          step.changes().isEmpty()
              ? ""
              : step.changes().stream()
                  .map(Change::path)
                  .limit(5)
                  .collect(
                      Collectors.joining(", ", "  (", step.changes().size() > 5 ? ", ...)" : ")"));
      out.println(
          "  "
              + mark
              + " "
              + step.action().name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + step.id()
              + paths);
    }
    for (Plan.Kept kept : plan.kept()) {
      out.println("  = keep " + kept.id() + " (" + kept.reason() + ")");
    }
  }

  /** 0 all in sync, 1 any failed, 2 otherwise (drift), for {@code plan} and {@code diff}. */
  static int planExitCode(List<PassResult> results) {
    if (results.stream().anyMatch(PassResult::failed)) {
      return dev.gitops4j.cli.Main.ERROR;
    }
    return results.stream().allMatch(r -> r.status() == PassStatus.IN_SYNC)
        ? dev.gitops4j.cli.Main.OK
        : dev.gitops4j.cli.Main.DRIFT;
  }

  static String shortId(String revision) {
    return revision.length() > 12 ? revision.substring(0, 12) : revision;
  }
}
