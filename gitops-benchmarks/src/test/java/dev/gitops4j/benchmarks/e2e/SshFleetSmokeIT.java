package dev.gitops4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the SSH fleet harness with 3 hosts × 5 files against real OpenSSH servers so it cannot rot.
 * Checks the rows and what each strategy opened per host, never timings. Every no-op pass inside
 * was already checked by the harness: in sync, no write on the transport, nothing changed on disk.
 */
class SshFleetSmokeIT {

  @TempDir Path work;

  @Test
  void harnessPrintsARowPerStrategyAndCountsPerHost() throws Exception {
    String table =
        new SshFleet(
                SshFleet.Options.parse(
                    "--hosts",
                    "3",
                    "--files",
                    "5",
                    "--passes",
                    "2",
                    "--concurrency",
                    "2",
                    "--work",
                    work.toString()))
            .run();

    assertThat(table).startsWith("SSH fleet: 3 hosts × 5 files");
    List<String[]> rows =
        table.lines().filter(l -> l.startsWith("| ")).map(l -> l.split("\\|")).toList();
    // Columns: strategy, initial sync, wall, JVM CPU, host CPU, sessions, channels, execs, sftp,
    // writes, notes.
    String[] ours = row(rows, "gitops4j");
    assertThat(ours[6].trim()).as("new SSH sessions per host").isEqualTo("0");
    assertThat(ours[8].trim()).as("exec commands per host").isEqualTo("1");
    assertThat(ours[10].trim()).as("writes").isEqualTo("0");
    String[] perFile = row(rows, "one command per file");
    assertThat(perFile[6].trim()).isEqualTo("0");
    assertThat(perFile[8].trim()).as("a stat per path: 5 files and a directory").isEqualTo("6");
    String[] reconnect = row(rows, "new connection each pass");
    assertThat(reconnect[6].trim()).as("a connection per host and pass").isEqualTo("1");
    assertThat(reconnect[8].trim()).isEqualTo("1");
    assertThat(table)
        .contains("| wall | ", "| exec commands per host | 1 | one command per file | 6 | 0.17× |");
  }

  private static String[] row(List<String[]> rows, String strategy) {
    return rows.stream()
        .filter(r -> r.length > 10 && r[1].trim().equals(strategy))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + strategy));
  }
}
