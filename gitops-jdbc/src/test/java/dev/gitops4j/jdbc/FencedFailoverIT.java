package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replica processes share a lease and one application's history. The leader is paused
 * (SIGSTOP, like a long GC pause) until a successor took over, then resumed; later the new leader
 * is killed with SIGKILL. In the chain, tokens never go back: no record of a deposed leader lands
 * after its successor's first one.
 */
class FencedFailoverIT extends ServerPerClass {

  private static final int REPLICAS = 3;
  private static final long LEASE_MILLIS = 1500;

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();

  @Test
  void aPausedAndAKilledLeaderNeverWriteAfterTheirSuccessor() throws Exception {
    PostgresHistoryStore store = PostgresHistoryStore.open(data);
    Path stop = dir.resolve("stop");
    try {
      for (int r = 0; r < REPLICAS; r++) {
        processes.add(
            new ProcessBuilder(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    LeasedAppender.class.getName(),
                    Databases.url(data),
                    "web",
                    "r" + r,
                    String.valueOf(LEASE_MILLIS),
                    dir.resolve("acks-r" + r).toString(),
                    stop.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out-r" + r).toFile())
                .start());
      }

      int paused = awaitLeaderWith(20, Set.of());
      signal("STOP", processes.get(paused));
      int successor = awaitLeaderWith(20, Set.of(paused));
      signal("CONT", processes.get(paused));
      // The resumed one learns it lost: its renewal fails or its append is refused.
      Thread.sleep(LEASE_MILLIS);

      int killed = successor;
      processes.get(killed).destroyForcibly();
      assertThat(processes.get(killed).waitFor(30, TimeUnit.SECONDS)).isTrue();
      awaitLeaderWith(20, Set.of(killed));

      Files.createFile(stop);
      for (int r = 0; r < REPLICAS; r++) {
        if (r != killed) {
          assertThat(processes.get(r).waitFor(60, TimeUnit.SECONDS)).isTrue();
          assertThat(processes.get(r).exitValue()).as("replica %d: %s", r, output(r)).isZero();
        }
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }

    List<HistoryRecord> newestFirst = store.list("web", 100_000);
    List<HistoryRecord> records = new ArrayList<>(newestFirst);
    Collections.reverse(records);
    assertThat(store.verify()).isEqualTo(Verification.ok(records.size()));

    Set<String> stored = new HashSet<>();
    List<Long> tokens = new ArrayList<>();
    for (HistoryRecord r : records) {
      stored.add(r.revision());
      tokens.add(token(r.revision()));
    }
    assertThat(tokens).as("tokens in chain order").isSorted();
    assertThat(new HashSet<>(tokens)).hasSizeGreaterThanOrEqualTo(3);
    int fenced = 0;
    int failed = 0;
    for (int r = 0; r < REPLICAS; r++) {
      for (String ack : Files.readAllLines(dir.resolve("acks-r" + r))) {
        if (ack.startsWith("FENCED ")) {
          fenced++;
          assertThat(stored).doesNotContain(ack.substring("FENCED ".length()));
        } else if (ack.startsWith("FAILED ")) {
          failed++;
        } else {
          assertThat(stored).contains(ack);
        }
      }
    }
    System.out.printf(
        "%d records in %d terms; %d appends refused by the fence, %d failed otherwise%n",
        records.size(), new HashSet<>(tokens).size(), fenced, failed);
  }

  /** Waits until a replica outside {@code excluded} leads and has appended {@code n} records. */
  private int awaitLeaderWith(int n, Set<Integer> excluded) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      Map<String, Long> lease = lease();
      String holder = lease.keySet().stream().findFirst().orElse(null);
      if (holder != null) {
        int replica = Integer.parseInt(holder.substring(1));
        long token = lease.get(holder);
        if (!excluded.contains(replica) && appendedWith(replica, token) >= n) {
          return replica;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no new leader appended " + n + " records; " + output(0));
  }

  private long appendedWith(int replica, long token) throws IOException {
    String prefix = "r" + replica + "-t" + token + "-";
    return Files.readAllLines(dir.resolve("acks-r" + replica)).stream()
        .filter(a -> a.startsWith(prefix))
        .count();
  }

  private Map<String, Long> lease() throws Exception {
    Map<String, Long> holders = new HashMap<>();
    try (Connection c = data.getConnection();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "select holder, token from gitops_lease where holder is not null"
                    + " and expires_at > now()")) {
      while (rows.next()) {
        holders.put(rows.getString(1), rows.getLong(2));
      }
    }
    return holders;
  }

  private static long token(String revision) {
    String[] parts = revision.split("-");
    return Long.parseLong(parts[1].substring(1));
  }

  private static void signal(String name, Process process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private String output(int replica) {
    try {
      return Files.readString(dir.resolve("out-r" + replica));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
