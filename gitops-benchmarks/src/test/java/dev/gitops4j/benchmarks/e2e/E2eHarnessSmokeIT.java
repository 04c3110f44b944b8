package dev.gitops4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the end-to-end harness and the scale series with tiny sizes against the testbed so they
 * cannot rot. Checks that every row is produced and what each strategy sent, never timings. Every
 * measured run inside has already been checked by {@link Cost#measure}: the client count equals the
 * audit log's, verb by verb, and no-op passes sent reads only (see {@link NoopPassChecksIT} for
 * those checks failing).
 */
class E2eHarnessSmokeIT {

  /** Requests of a pass that changes nothing, as the table writes them: reads only. */
  private static final String READS_ONLY = "(get|list|watch) \\d+(, (get|list|watch) \\d+)*";

  @TempDir Path work;

  @Test
  void harnessCompletesAndPrintsEveryRow() throws Exception {
    Harness.Options options =
        Harness.Options.parse(
            "--objects", "20",
            "--heal-trials", "3",
            "--latency-trials", "2",
            "--noop-passes", "2",
            "--tf-resources", "3",
            "--work", work.toString());

    String table = new Harness(options).run();

    assertThat(table)
        .contains("| figure | gitops4j | baseline | baseline value | ratio | notes |")
        .contains("| Initial sync, 20 objects (wall) |")
        .contains("| No-op pass, 20 objects (wall, median of 2) | ")
        .contains("| Heap in steady state, 20 objects |")
        .contains("| Self-heal latency p50 / p95 (3 trials) |")
        .contains("| Commit → applied, webhook (p50 / p95, 2 trials) |")
        .contains("| Terraform first sync, 3 × local_file (median of 3) |")
        .contains("| Terraform first sync, CLI CPU (median of 3) |")
        .contains("| Terraform no-op pass (median of 7) |");
    List<String> baselines =
        List.of(
            "kubectl re-apply",
            "dry-run every object, sequential",
            "Flux kustomize-controller, `--concurrent-ssa 4`",
            "Flux kustomize-controller, `--concurrent-ssa 8`");
    for (String figure :
        List.of(
            "No-op pass (client CPU)",
            "No-op pass (API server + etcd CPU)",
            "No-op pass requests (client = audit log)")) {
      for (String baseline : baselines) {
        assertThat(rows(table, figure))
            .anySatisfy(r -> assertThat(r[3].trim()).isEqualTo(baseline));
      }
    }
    assertThat(table.lines().filter(l -> l.startsWith("| ")).count())
        .as("header + 23 rows")
        .isEqualTo(24);
    // What each strategy sent in its no-op pass (client count = audit log).
    for (String[] row : rows(table, "No-op pass requests (client = audit log)")) {
      assertThat(row[2].trim()).as("gitops4j").matches(READS_ONLY);
      switch (row[3].trim()) {
        case "dry-run every object, sequential" ->
            assertThat(row[4].trim()).isEqualTo("list 4, patch (dry run) 20");
        case "kubectl re-apply" -> assertThat(row[4].trim()).contains("patch 20");
        default -> assertThat(row[4].trim()).isEqualTo("get 20, patch (dry run) 20");
      }
    }
  }

  @Test
  void scaleSeriesPrintsARowPerSizeAndStrategy() throws Exception {
    ScaleSeries.Options options =
        ScaleSeries.Options.parse(
            "--sizes", "10,15",
            "--noop-passes", "2",
            "--kubectl-max", "10",
            "--webhook-trials", "2",
            "--work", work.toString());

    String table = new ScaleSeries(options).run();

    assertThat(table.lines().filter(l -> l.startsWith("| ")).count())
        .as("header + 6 strategies × 2 sizes, webhook header + 2 sizes")
        .isEqualTo(16);
    for (int n : List.of(10, 15)) {
      String[] lib = row(table, n, "gitops4j, passes on demand (no watches)");
      assertThat(lib[5].trim()).as("initial sync requests").contains("patch");
      assertThat(lib[9].trim()).as("no-op requests").matches(READS_ONLY);
      assertThat(lib[10].trim()).as("heap per object").endsWith(" KB");
      String[] watched = row(table, n, "gitops4j, started engine (watches)");
      assertThat(watched[9].trim()).as("no-op requests from the watches").isEqualTo("get 1");
      assertThat(watched[10].trim()).as("heap per object").endsWith(" KB");
      assertThat(
              table.lines().filter(l -> l.matches("\\| " + n + " \\| [0-9.]+ m?s \\| .*")).count())
          .as("webhook row at " + n)
          .isEqualTo(1);
      for (int c : List.of(4, 8)) {
        String[] flux = row(table, n, "Flux kustomize-controller, `--concurrent-ssa " + c + "`");
        assertThat(flux[5].trim())
            .isEqualTo("get " + n + ", patch " + n + ", patch (dry run) " + n);
        assertThat(flux[9].trim()).isEqualTo("get " + n + ", patch (dry run) " + n);
      }
      assertThat(row(table, n, "dry-run every object, sequential")[9].trim())
          .isEqualTo("list 4, patch (dry run) " + n);
    }
    assertThat(row(table, 10, "kubectl")[9].trim()).contains("patch 10");
    assertThat(row(table, 15, "kubectl")[11]).contains("not run");
  }

  private static List<String[]> rows(String table, String figure) {
    return table
        .lines()
        .filter(l -> l.startsWith("| " + figure + " |"))
        .map(l -> l.split("\\|"))
        .toList();
  }

  private static String[] row(String table, int objects, String strategy) {
    return table
        .lines()
        .filter(l -> l.startsWith("| " + objects + " | " + strategy + " |"))
        .map(l -> l.split("\\|"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + strategy + " at " + objects));
  }
}
