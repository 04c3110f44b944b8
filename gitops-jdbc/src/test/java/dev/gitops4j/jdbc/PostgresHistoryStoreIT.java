package dev.gitops4j.jdbc;

import static dev.gitops4j.jdbc.Databases.number;
import static dev.gitops4j.jdbc.Databases.record;
import static dev.gitops4j.jdbc.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore.Verification;
import dev.gitops4j.history.JsonLinesHistoryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresHistoryStoreIT extends ServerPerClass {

  @TempDir Path dir;

  private PostgresHistoryStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = PostgresHistoryStore.open(data);
  }

  private void append(String application, int from, int to) throws IOException {
    for (int i = from; i <= to; i++) {
      store.append(record(application, i));
    }
  }

  @Test
  void listsOneApplicationNewestFirstAndVerifiesEveryChain() throws Exception {
    append("web", 1, 3);
    append("api", 1, 2);
    append("web", 4, 5);

    assertThat(store.list("web", 3))
        .extracting(HistoryRecord::revision)
        .containsExactly("rev-5", "rev-4", "rev-3");
    assertThat(store.list("api", 10)).containsExactly(record("api", 2), record("api", 1));
    assertThat(store.list("none", 10)).isEmpty();
    assertThat(store.list("web", 0)).isEmpty();
    assertThat(store.verify()).isEqualTo(Verification.ok(7));
    assertThat(store.head("none")).isEqualTo("0".repeat(64));
    String webHead = store.head("web");
    assertThat(store.list("web", 1).get(0).revision()).isEqualTo("rev-5");
    // A second store over the same database continues the same chains.
    PostgresHistoryStore.open(data).append(record("web", 6));
    assertThat(store.verify()).isEqualTo(Verification.ok(8));
    assertThat(store.list("web", 1)).containsExactly(record("web", 6));
    // The new record is chained to the head published before it.
    assertThat(
            Databases.number(
                data,
                "select count(*) from gitops_history where application = 'web' and seq = 6"
                    + " and line like '%\"prev\":\""
                    + webHead
                    + "\"%'"))
        .isEqualTo(1);
    assertThat(store.head("web")).isNotEqualTo(webHead).hasSize(64);
  }

  @Test
  void rowsHoldTheLinesOfTheJsonLinesFormat() throws Exception {
    append("web", 1, 2);
    Path file = dir.resolve("copy.jsonl");
    List<String> rows = new ArrayList<>();
    try (var c = data.getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("select line from gitops_history order by seq")) {
      while (r.next()) {
        rows.add(r.getString(1));
      }
    }
    Files.writeString(file, String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
    // One application's rows are a valid history file on their own.
    assertThat(JsonLinesHistoryStore.verify(file)).isEqualTo(Verification.ok(2));
  }

  @Test
  void detectsARowEditedBySql() throws Exception {
    append("api", 1, 2);
    append("web", 1, 3);
    sql(
        data,
        "update gitops_history set line = replace(line, '\"status\":\"SYNCED\"',"
            + " '\"status\":\"FAILED\"') where application = 'web' and seq = 2");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(4); // api 1, api 2, web 1, web 2
    assertThat(result.reason()).contains("application web, seq 2").contains("'hash'");
  }

  @Test
  void detectsAMiddleRowDeletedBySql() throws Exception {
    append("web", 1, 4);
    sql(data, "delete from gitops_history where application = 'web' and seq = 2");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(2);
    assertThat(result.reason()).contains("seq 3").contains("deleted or renumbered");
  }

  @Test
  void detectsAMiddleRowDeletedAndTheRestRenumbered() throws Exception {
    append("web", 1, 4);
    sql(
        data,
        "delete from gitops_history where application = 'web' and seq = 2",
        "update gitops_history set seq = seq - 1 where application = 'web' and seq = 3",
        "update gitops_history set seq = seq - 1 where application = 'web' and seq = 4",
        "update gitops_history_head set seq = 3");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(2);
    assertThat(result.reason()).contains("'prev' does not match");
  }

  @Test
  void detectsTheNewestRowsDeletedBySql() throws Exception {
    append("web", 1, 4);
    sql(data, "delete from gitops_history where application = 'web' and seq >= 3");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(3);
    assertThat(result.reason()).contains("head says seq 4").contains("newest records were deleted");
  }

  @Test
  void detectsTheFirstRowDeletedBySql() throws Exception {
    append("web", 1, 3);
    sql(
        data,
        "delete from gitops_history where seq = 1",
        "update gitops_history set seq = seq - 1",
        "update gitops_history_head set seq = 2");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(1);
    assertThat(result.reason()).contains("records before it were removed");
  }

  @Test
  void detectsRowsReorderedBySql() throws Exception {
    append("web", 1, 4);
    sql(
        data,
        "update gitops_history set seq = -1 where seq = 2",
        "update gitops_history set seq = 2 where seq = 3",
        "update gitops_history set seq = 3 where seq = -1");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(2);
    assertThat(result.reason()).contains("application web, seq 2").contains("'prev'");
  }

  @Test
  void detectsARowMovedToAnotherApplication() throws Exception {
    append("api", 1, 1);
    append("web", 1, 2);
    sql(
        data,
        "update gitops_history set application = 'api', seq = 2"
            + " where application = 'web' and seq = 2",
        "update gitops_history_head set seq = 2, hash = (select hash from gitops_history_head"
            + " where application = 'web') where application = 'api'",
        "update gitops_history_head set seq = 1 where application = 'web'");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(2);
    assertThat(result.reason()).contains("application api, seq 2");
  }

  @Test
  void detectsADeletedHead() throws Exception {
    append("web", 1, 2);
    sql(data, "delete from gitops_history_head");

    Verification result = store.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.reason()).contains("application web").contains("head row was deleted");
  }

  @Test
  void concurrentWritersNeverForkTheChain() throws Exception {
    int writers = 6;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<HikariDataSource> pools = new ArrayList<>();
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        // Each writer its own store and connection pool, as separate replicas would have.
        HikariDataSource replicaData = Databases.pooled(Databases.url(data), 1);
        pools.add(replicaData);
        PostgresHistoryStore replica = PostgresHistoryStore.open(replicaData);
        tasks.add(
            () -> {
              for (int i = 0; i < each; i++) {
                replica.append(record(writer % 2 == 0 ? "web" : "api", writer * 1000 + i));
              }
              return null;
            });
      }
      for (Future<Void> task : pool.invokeAll(tasks)) {
        task.get();
      }
    } finally {
      pool.shutdownNow();
      pools.forEach(HikariDataSource::close);
    }

    assertThat(store.verify()).isEqualTo(Verification.ok((long) writers * each));
    assertThat(number(data, "select max(seq) from gitops_history where application = 'web'"))
        .isEqualTo(3L * each);
    assertThat(
            number(
                data,
                "select count(distinct (application,"
                    + " substring(line from '\"prev\":\"([0-9a-f]{64})\"')))"
                    + " from gitops_history"))
        .isEqualTo((long) writers * each);
  }

  @Test
  void importsAJsonLinesFileAndCarriesItsVerifiedChainOver() throws Exception {
    Path file = dir.resolve("history.jsonl");
    List<HistoryRecord> written = new ArrayList<>();
    try (JsonLinesHistoryStore old = JsonLinesHistoryStore.open(file)) {
      for (int i = 1; i <= 12; i++) {
        HistoryRecord r = record(i % 3 == 0 ? "api" : "web", i);
        old.append(r);
        written.add(r);
      }
    }
    append("web", 100, 100); // the store already holds a record: imports go after it

    assertThat(store.importJsonLines(file)).isEqualTo(12);

    assertThat(store.verify()).isEqualTo(Verification.ok(13));
    try (JsonLinesHistoryStore old = JsonLinesHistoryStore.open(file)) {
      assertThat(store.list("web", 20))
          .startsWith(old.list("web", 20).toArray(HistoryRecord[]::new));
      assertThat(store.list("api", 20)).isEqualTo(old.list("api", 20));
    }
    assertThat(store.list("web", 20)).last().isEqualTo(record("web", 100));
    assertThat(number(data, "select records from gitops_history_import")).isEqualTo(12);

    assertThatThrownBy(() -> store.importJsonLines(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already imported")
        .hasMessageContaining("nothing imported");
    assertThat(number(data, "select count(*) from gitops_history")).isEqualTo(13);

    // The import marks are part of what verify checks: the file's own chain must rebuild.
    sql(
        data,
        "update gitops_history set source_line = -1 where source_line = 4",
        "update gitops_history set source_line = 4 where source_line = 5",
        "update gitops_history set source_line = 5 where source_line = -1");
    Verification moved = store.verify();
    assertThat(moved.intact()).isFalse();
    assertThat(moved.reason()).contains("import").contains("no longer rebuild");
  }

  @Test
  void refusesABrokenJsonLinesFileAndImportsNothing() throws Exception {
    Path file = dir.resolve("history.jsonl");
    try (JsonLinesHistoryStore old = JsonLinesHistoryStore.open(file)) {
      for (int i = 1; i <= 5; i++) {
        old.append(record("web", i));
      }
    }
    List<String> lines = Files.readAllLines(file);
    lines.set(2, lines.get(2).replace("rev-3", "rev-X"));
    Files.write(file, lines);

    assertThatThrownBy(() -> store.importJsonLines(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + ":3:")
        .hasMessageContaining("nothing imported");
    assertThat(number(data, "select count(*) from gitops_history")).isZero();
    assertThat(number(data, "select count(*) from gitops_history_import")).isZero();
  }

  @Test
  void anyOtherFenceIsCheckedBeforeTheAppend() throws Exception {
    PostgresHistoryStore fenced =
        PostgresHistoryStore.open(
            data,
            application -> {
              if (application.equals("web")) {
                throw new FencedException("refusing to write for web: lease lost");
              }
            });

    assertThatThrownBy(() -> fenced.append(record("web", 1)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("lease lost");
    fenced.append(record("api", 1));

    assertThat(number(data, "select count(*) from gitops_history")).isEqualTo(1);
    assertThat(number(data, "select count(*) from gitops_history_head")).isEqualTo(1);
  }

  @Test
  void aDeposedHoldersAppendIsRefusedAndWritesNothing() throws Exception {
    PostgresLease a = PostgresLease.create(data, "engine", "replica-a", Duration.ofMillis(300));
    PostgresLease b = PostgresLease.create(data, "engine", "replica-b", Duration.ofMinutes(1));
    assertThat(a.tryAcquire()).isTrue();
    long tokenA = a.token().orElseThrow();
    PostgresHistoryStore storeA = PostgresHistoryStore.open(data, a);
    PostgresHistoryStore storeB = PostgresHistoryStore.open(data, b);
    storeA.append(record("web", 1));

    Leases.awaitExpiry(a);
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.token().orElseThrow()).isGreaterThan(tokenA);

    assertThatThrownBy(() -> storeA.append(record("web", 2)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("refusing to write for web")
        .hasMessageContaining("token " + tokenA);
    storeB.append(record("web", 3));

    assertThat(store.list("web", 10)).containsExactly(record("web", 3), record("web", 1));
    assertThat(store.verify()).isEqualTo(Verification.ok(2));
  }
}
