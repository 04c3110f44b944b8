package dev.gitops4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the end-to-end harness with tiny sizes against the testbed so it cannot rot. Checks that
 * every row is produced; never checks timings.
 */
class E2eHarnessSmokeIT {

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
        .contains("| No-op pass, 20 objects (wall, median of 2) |")
        .contains("| dry-run every object |")
        .contains("| No-op pass (CPU) |")
        .contains("| No-op pass requests (client) |")
        .contains("| No-op pass requests (audit log) |")
        .contains("| Heap in steady state, 20 objects |")
        .contains("| Self-heal latency p50 / p95 (3 trials) |")
        .contains("| Commit → applied, webhook (p50 / p95, 2 trials) |")
        .contains("| Terraform first sync, 3 × local_file (median of 3) |")
        .contains("| Terraform no-op pass (median of 7) |");
    assertThat(table.lines().filter(l -> l.startsWith("| ")).count())
        .as("header + 12 rows")
        .isEqualTo(13);
    // The fast path's promise, counted on the client: an in-sync pass sends no write and no dry
    // run.
    String requests =
        table.lines().filter(l -> l.startsWith("| No-op pass requests (client)")).findFirst().get();
    assertThat(requests.split("\\|")[2]).doesNotContain("patch").doesNotContain("create");
    assertThat(requests.split("\\|")[4]).contains("patch (dry run) 20");
  }
}
