package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs append to one application's history in one database at once, and one of them is killed
 * with SIGKILL in the middle: the chain must stay one line, with every acknowledged record.
 */
class MultiProcessHistoryIT extends ServerPerClass {

  private static final int WRITERS = 3;
  private static final int APPENDS = 150;
  private static final int KILL_AFTER = 40;

  @TempDir Path dir;

  @Test
  void concurrentProcessesAndAKilledOneLeaveOneVerifiedChain() throws Exception {
    String url = Databases.url(data);
    PostgresHistoryStore store = PostgresHistoryStore.open(data); // schema in place before start

    List<Process> processes = new ArrayList<>();
    List<Path> acks = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Path ack = dir.resolve("acks-" + w);
      Files.createFile(ack);
      acks.add(ack);
      processes.add(
          new ProcessBuilder(
                  Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  HistoryAppender.class.getName(),
                  url,
                  "web",
                  String.valueOf(APPENDS),
                  ack.toString(),
                  "w" + w)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("out-" + w).toFile())
              .start());
    }

    Process victim = processes.get(1);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (Files.readAllLines(acks.get(1)).size() < KILL_AFTER) {
      assertThat(victim.isAlive()).as("writer 1 output: %s", output(1)).isTrue();
      assertThat(System.nanoTime()).as("writer 1 too slow").isLessThan(deadline);
      Thread.sleep(5);
    }
    victim.destroyForcibly(); // SIGKILL, mid-append more often than not
    assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(victim.exitValue()).isEqualTo(137);
    for (int w : new int[] {0, 2}) {
      assertThat(processes.get(w).waitFor(3, TimeUnit.MINUTES)).isTrue();
      assertThat(processes.get(w).exitValue()).as("writer %d: %s", w, output(w)).isZero();
    }

    Set<String> acknowledged = new HashSet<>();
    for (Path ack : acks) {
      acknowledged.addAll(Files.readAllLines(ack));
    }
    List<HistoryRecord> records = store.list("web", 10_000);
    Set<String> stored = new HashSet<>();
    records.forEach(r -> stored.add(r.revision()));

    assertThat(store.verify()).isEqualTo(Verification.ok(records.size()));
    assertThat(stored).hasSameSizeAs(records).containsAll(acknowledged);
    int killedAcks = Files.readAllLines(acks.get(1)).size();
    // The victim may have committed one append it never got to acknowledge, never more.
    assertThat(records.size()).isBetween(2 * APPENDS + killedAcks, 2 * APPENDS + killedAcks + 1);
    assertThat(
            Databases.number(
                data,
                "select count(distinct substring(line from '\"prev\":\"([0-9a-f]{64})\"'))"
                    + " from gitops_history"))
        .as("no two records share a predecessor: no fork")
        .isEqualTo(records.size());
    System.out.printf(
        "%d records, writer 1 killed after %d acknowledged appends%s%n",
        records.size(),
        killedAcks,
        server.log().contains("open transaction") ? ", inside an open transaction" : "");
    // The killed writer's connection was rolled back and its lock released: the head moves on.
    store.append(Databases.record("web", 1));
    assertThat(store.verify().intact()).isTrue();
  }

  private String output(int writer) {
    try {
      return Files.readString(dir.resolve("out-" + writer));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
