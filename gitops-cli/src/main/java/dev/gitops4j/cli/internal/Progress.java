package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.StepResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shows sync progress as steps done out of steps to do: one line updated in place on a terminal,
 * one line per step otherwise (CI logs).
 */
final class Progress implements ReconcileListener {

  private final PrintWriter out;
  private final boolean inPlace;
  private final boolean prune;
  // Per application: the hosts of a fleet reconcile concurrently.
  private final Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
  private final Map<String, Integer> totals = new ConcurrentHashMap<>();
  private volatile boolean lineOpen;

  Progress(PrintWriter out, boolean inPlace, boolean prune) {
    this.out = out;
    this.inPlace = inPlace;
    this.prune = prune;
  }

  @Override
  public void driftFound(String application, DriftReport report) {
    // Extraneous resources only become steps when the policy prunes.
    totals.put(
        application,
        (int)
            report.outOfSync().stream()
                .filter(d -> prune || d.status() != Drift.Status.EXTRANEOUS)
                .count());
    done.put(application, new AtomicInteger());
  }

  @Override
  public void changeApplied(String application, StepResult result) {
    step(application, result);
  }

  @Override
  public void changeFailed(String application, StepResult result) {
    step(application, result);
  }

  private synchronized void step(String application, StepResult result) {
    int n = done.computeIfAbsent(application, a -> new AtomicInteger()).incrementAndGet();
    int width = Math.max(totals.getOrDefault(application, 0), n);
    String text =
        String.format(
            Locale.ROOT,
            "%s [%d/%d] %s %s %s",
            application,
            n,
            width,
            result.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '),
            result.step().action().name().toLowerCase(Locale.ROOT),
            result.step().id());
    if (result.failed() && !result.message().isEmpty()) {
      text += ": " + result.message();
    }
    if (inPlace) {
      out.print("\r\u001b[K" + bar(n, width) + " " + text);
      lineOpen = true;
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Ends the in-place line before the summary is printed. */
  synchronized void finish() {
    if (lineOpen) {
      out.println();
      out.flush();
      lineOpen = false;
    }
  }

  private static String bar(int done, int total) {
    int width = 20;
    int filled = total == 0 ? width : (int) ((long) done * width / total);
    return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
  }
}
