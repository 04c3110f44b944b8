package dev.gitops4j.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Rows of the result table, and how figures are written in it. */
final class Report {
  private final List<String> rows = new ArrayList<>();
  private final AtomicInteger count = new AtomicInteger();

  void row(
      String figure,
      String gitops4j,
      String baseline,
      String baselineValue,
      double ratio,
      String note) {
    count.incrementAndGet();
    rows.add(
        "| "
            + figure
            + " | "
            + gitops4j
            + " | "
            + baseline
            + " | "
            + baselineValue
            + " | "
            + (Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f×", ratio))
            + " | "
            + note
            + " |");
  }

  String markdown(Harness.Options options) {
    Runtime runtime = Runtime.getRuntime();
    return "End-to-end results: "
        + (options.terraformOnly()
            ? "OpenTofu only, " + options.tfResources() + " resources"
            : options.objects() + " objects")
        + ", load average at the end "
        + loadAverage()
        + ", "
        + runtime.availableProcessors()
        + " CPUs, max heap "
        + mib(runtime.maxMemory())
        + ", Java "
        + System.getProperty("java.version")
        + "\n\n| figure | gitops4j | baseline | baseline value | ratio | notes |\n"
        + "|---|---|---|---|---|---|\n"
        + String.join("\n", rows)
        + "\n";
  }

  /** The 1, 5 and 15 minute load averages of the machine, as the kernel reports them. */
  static String loadAverage() {
    try {
      String[] fields =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String nanos(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
    return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  static String verbs(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "0";
    }
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (verb, count) ->
            text.append(text.length() == 0 ? "" : ", ").append(verb).append(' ').append(count));
    return text.toString();
  }
}
