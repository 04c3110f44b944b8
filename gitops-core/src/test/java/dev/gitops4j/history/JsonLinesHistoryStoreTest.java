package dev.gitops4j.history;

import static dev.gitops4j.history.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.history.HistoryRecord.ChangeOutcome;
import dev.gitops4j.history.HistoryStore.Verification;
import dev.gitops4j.model.Trigger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesHistoryStoreTest {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("history/app.jsonl");
  }

  private void appendRecords(int count) throws IOException {
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      for (int i = 1; i <= count; i++) {
        store.append(record("web", i));
      }
    }
  }

  private List<String> lines() throws IOException {
    return Files.readAllLines(file(), StandardCharsets.UTF_8);
  }

  private void writeLines(List<String> lines) throws IOException {
    Files.writeString(file(), lines.stream().map(l -> l + "\n").collect(Collectors.joining()));
  }

  /** Checks through an opened store and read-only; both must agree. */
  private static Verification verify(Path file) throws IOException {
    Verification readOnly = JsonLinesHistoryStore.verify(file);
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file)) {
      assertThat(store.verify()).isEqualTo(readOnly);
    }
    return readOnly;
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void roundTripsEveryField() throws IOException {
    HistoryRecord full =
        new HistoryRecord(
            Instant.parse("2026-01-02T03:04:05.000000006Z"),
            "payments-ü",
            Trigger.WEBHOOK,
            "0123456789abcdef0123456789abcdef01234567",
            "Zoë \"Z\" <zoe@example.org>",
            "CI <ci@example.org>",
            "VERIFIED by SHA256:abc",
            "SYNCED",
            "1 to create, 1 to update, 1 to delete",
            List.of(
                new ChangeOutcome("Deployment/apps/web", "update", "APPLIED", ""),
                new ChangeOutcome("ConfigMap/apps/old", "delete", "FAILED", "forbidden\nby RBAC")),
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\t\"old\"\n+new ✓\n",
            Duration.ofMinutes(2).plusNanos(7),
            "");
    HistoryRecord empty =
        new HistoryRecord(
            Instant.EPOCH,
            "other",
            Trigger.MANUAL,
            null,
            null,
            null,
            null,
            "FAILED",
            null,
            List.of(),
            null,
            null,
            "could not fetch");

    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      store.append(full);
      store.append(empty);
    }
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      assertThat(store.list("payments-ü", 10)).containsExactly(full);
      assertThat(store.list("other", 10)).containsExactly(empty);
      assertThat(store.verify()).isEqualTo(Verification.ok(2));
    }
    assertThat(lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"hash\":\""));
  }

  @Test
  void firstLineStartsTheChainAndEachLinePointsAtThePreviousLinesBytes() throws Exception {
    appendRecords(3);
    List<String> lines = lines();
    assertThat(lines.get(0)).contains("\"prev\":\"" + "0".repeat(64) + "\"");
    assertThat(lines.get(1)).contains("\"prev\":\"" + sha256(lines.get(0)) + "\"");
    assertThat(lines.get(2)).contains("\"prev\":\"" + sha256(lines.get(1)) + "\"");
  }

  @Test
  void editedFieldIsReportedAtItsLine() throws IOException {
    appendRecords(5);
    List<String> lines = new ArrayList<>(lines());
    // Hide a failed pass.
    assertThat(lines.get(2)).contains("\"status\":\"FAILED\"");
    lines.set(2, lines.get(2).replace("\"status\":\"FAILED\"", "\"status\":\"SYNCED\""));
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(3);
    assertThat(v.records()).isEqualTo(2);
    assertThat(v.reason()).contains("edited");
  }

  @Test
  void editedRecordWithRecomputedHashBreaksTheNextLine() throws IOException {
    appendRecords(5);
    List<String> lines = new ArrayList<>(lines());
    // A forger who rewrites line 3 consistently still cannot fix line 4's prev.
    HistoryRecord original = record("web", 3);
    HistoryRecord forged =
        new HistoryRecord(
            original.time(),
            original.application(),
            original.trigger(),
            "forged-rev",
            original.author(),
            original.committer(),
            original.signature(),
            original.status(),
            original.planSummary(),
            original.changes(),
            original.diff(),
            original.duration(),
            original.error());
    String prev = lines.get(2).replaceAll(".*\"prev\":\"([0-9a-f]{64})\".*", "$1");
    lines.set(
        2,
        new String(
            dev.gitops4j.history.internal.HistoryCodec.encode(forged, prev),
            StandardCharsets.UTF_8));
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.firstBadLine()).isEqualTo(4);
    assertThat(v.reason()).contains("previous line");
  }

  @Test
  void addedFieldIsDetectedEvenThoughTheRecordIsUnchanged() throws IOException {
    appendRecords(2);
    List<String> lines = new ArrayList<>(lines());
    lines.set(0, lines.get(0).replace("{\"v\":1,", "{\"v\":1,\"note\":\"x\","));
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.firstBadLine()).isEqualTo(1);
    assertThat(v.reason()).contains("canonical");
  }

  @Test
  void deletedLineIsReportedAtTheLineThatFollowedIt() throws IOException {
    appendRecords(5);
    List<String> lines = new ArrayList<>(lines());
    lines.remove(2);
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(3);
    assertThat(v.reason()).contains("removed");
  }

  @Test
  void deletedFirstLineIsReported() throws IOException {
    appendRecords(3);
    List<String> lines = new ArrayList<>(lines());
    lines.remove(0);
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.firstBadLine()).isEqualTo(1);
    assertThat(v.reason()).contains("chain start");
  }

  @Test
  void swappedLinesAreReported() throws IOException {
    appendRecords(5);
    List<String> lines = new ArrayList<>(lines());
    String second = lines.get(1);
    lines.set(1, lines.get(2));
    lines.set(2, second);
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(2);
  }

  @Test
  void truncatedLastLineIsReportedAndBlocksFurtherAppends() throws IOException {
    appendRecords(4);
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      byte[] bytes = Files.readAllBytes(file());
      Files.write(file(), Arrays.copyOf(bytes, bytes.length - 20));

      Verification v = store.verify();
      assertThat(v.intact()).isFalse();
      assertThat(v.firstBadLine()).isEqualTo(4);
      assertThat(v.records()).isEqualTo(3);
      assertThat(v.reason()).contains("incomplete");
      assertThatThrownBy(() -> store.append(record("web", 5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file() + ":4: incomplete last line");
    }
    assertThatThrownBy(() -> JsonLinesHistoryStore.open(file()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file() + ":4: incomplete last line");
    assertThat(JsonLinesHistoryStore.verify(file()).firstBadLine()).isEqualTo(4);
  }

  @Test
  void aTornLastLineCanBeSetAsideAndTheChainContinues() throws IOException {
    appendRecords(3);
    byte[] complete = Files.readAllBytes(file());
    assertThat(JsonLinesHistoryStore.setAsideTornLine(file())).isEmpty();
    assertThat(Files.readAllBytes(file())).isEqualTo(complete);

    // A crash halfway through the fourth append.
    Files.write(
        file(),
        "{\"v\":1,\"time\":\"2026".getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> JsonLinesHistoryStore.open(file()))
        .hasMessageContaining(file() + ":4: incomplete last line")
        .hasMessageContaining("setAsideTornLine");

    Path side = JsonLinesHistoryStore.setAsideTornLine(file()).orElseThrow();
    assertThat(side.getFileName().toString()).isEqualTo(file().getFileName() + ".torn-1");
    assertThat(Files.readString(side)).isEqualTo("{\"v\":1,\"time\":\"2026");
    assertThat(Files.readAllBytes(file())).isEqualTo(complete);
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      store.append(record("web", 4));
      Verification v = store.verify();
      assertThat(v.intact()).as(v.reason()).isTrue();
      assertThat(v.records()).isEqualTo(4);
    }
  }

  @Test
  void garbageLineIsReported() throws IOException {
    appendRecords(3);
    List<String> lines = new ArrayList<>(lines());
    lines.add(1, "{\"v\":1,\"time\":");
    writeLines(lines);

    Verification v = verify(file());
    assertThat(v.firstBadLine()).isEqualTo(2);
    assertThat(v.reason()).contains("not a history record");
  }

  @Test
  void appendAfterReopenContinuesTheChain() throws Exception {
    appendRecords(2);
    String head;
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      head = store.head();
      store.append(record("web", 3));
    }
    List<String> lines = lines();
    assertThat(head).isEqualTo(sha256(lines.get(1)));
    assertThat(lines.get(2)).contains("\"prev\":\"" + head + "\"");
    assertThat(verify(file())).isEqualTo(Verification.ok(3));
  }

  @Test
  void concurrentAppendsFromEightThreadsKeepTheChainAndEveryRecord() throws Exception {
    int threads = 8;
    int perThread = 50;
    // Two store instances on one file, as two components of one process would have.
    try (JsonLinesHistoryStore a = JsonLinesHistoryStore.open(file(), false);
        JsonLinesHistoryStore b = JsonLinesHistoryStore.open(file(), false)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String app = "app" + t;
        JsonLinesHistoryStore store = t % 2 == 0 ? a : b;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    store.append(record(app, i));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();

      assertThat(a.verify()).isEqualTo(Verification.ok((long) threads * perThread));
      for (int t = 0; t < threads; t++) {
        List<HistoryRecord> listed = b.list("app" + t, 1000);
        List<HistoryRecord> expected = new ArrayList<>();
        for (int i = perThread - 1; i >= 0; i--) {
          expected.add(record("app" + t, i));
        }
        assertThat(listed).containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void anotherWriterAppendingBetweenOurAppendsIsChainedCorrectly() throws IOException {
    try (JsonLinesHistoryStore a = JsonLinesHistoryStore.open(file());
        JsonLinesHistoryStore b = JsonLinesHistoryStore.open(file())) {
      a.append(record("web", 1));
      b.append(record("web", 2));
      a.append(record("web", 3));
      assertThat(a.head()).isEqualTo(b.head());
      assertThat(b.verify()).isEqualTo(Verification.ok(3));
    }
  }

  @Test
  void listsNewestFirstPerApplicationWithLimit() throws IOException {
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      for (int i = 1; i <= 6; i++) {
        store.append(record("web", i));
        store.append(record("db", i));
      }
      assertThat(store.list("web", 3))
          .containsExactly(record("web", 6), record("web", 5), record("web", 4));
      assertThat(store.list("db", 100)).hasSize(6).first().isEqualTo(record("db", 6));
      assertThat(store.list("web", 0)).isEmpty();
      assertThat(store.list("unknown", 5)).isEmpty();
      assertThatThrownBy(() -> store.list("web", -1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readsLinesLongerThanTheReadBufferAndManyChunks() throws IOException {
    String bigDiff = "+" + "x".repeat(200_000) + "\n";
    List<HistoryRecord> written = new ArrayList<>();
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file(), false)) {
      for (int i = 0; i < 40; i++) {
        HistoryRecord r = record("web", i);
        HistoryRecord withDiff =
            new HistoryRecord(
                r.time(),
                r.application(),
                r.trigger(),
                r.revision(),
                r.author(),
                r.committer(),
                r.signature(),
                r.status(),
                r.planSummary(),
                r.changes(),
                i % 7 == 0 ? bigDiff : r.diff(),
                r.duration(),
                r.error());
        store.append(withDiff);
        written.add(0, withDiff);
      }
      assertThat(Files.size(file())).isGreaterThan(1_000_000);
      assertThat(store.list("web", 40)).containsExactlyElementsOf(written);
      assertThat(store.verify()).isEqualTo(Verification.ok(40));
    }
  }

  @Test
  void inputsRoundTripAndRecordsWithoutThemKeepTheirLineFormat() throws IOException {
    HistoryRecord plain = record("web", 1);
    HistoryRecord r = record("web", 2);
    HistoryRecord withInputs =
        new HistoryRecord(
            r.time(),
            r.application(),
            r.trigger(),
            r.revision(),
            r.author(),
            r.committer(),
            r.signature(),
            r.status(),
            r.planSummary(),
            r.changes(),
            r.diff(),
            r.duration(),
            r.error(),
            "chart shop 1.2.0 sha256:" + "ab".repeat(32) + " from https://charts.example.org/");
    try (JsonLinesHistoryStore store = JsonLinesHistoryStore.open(file())) {
      store.append(plain);
      store.append(withInputs);
      assertThat(store.list("web", 10)).containsExactlyInAnyOrder(plain, withInputs);
    }
    assertThat(lines().get(0)).doesNotContain("\"inputs\"");
    assertThat(lines().get(1)).contains("\"inputs\":\"chart shop 1.2.0 sha256:abab");
    assertThat(verify(file())).isEqualTo(Verification.ok(2));
  }
}
