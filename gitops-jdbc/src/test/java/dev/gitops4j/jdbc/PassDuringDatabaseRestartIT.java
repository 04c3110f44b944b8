package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore.Verification;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL, which holds the lease, history, inventory, engine state and the target itself ({@link
 * LedgerTarget}), is stopped the hard way (immediate shutdown, like a crash) while an engine pass
 * is inside a write's transaction. The pass must end {@code FAILED} and retryable, the write in
 * flight must not land, no history record of the pass may exist and the chain must verify; once the
 * server is back, the next pass with the same pooled stores converges, applying each step of the
 * revision exactly once over both passes.
 */
class PassDuringDatabaseRestartIT extends ServerPerClass {

  private static final String APP = "web";
  private static final int OBJECTS = 20;
  private static final int CRASH_AT_WRITE = 5;

  @Test
  void aPassWritingWhenTheServerDiesFailsCleanlyAndTheNextPassConverges() throws Exception {
    PostgresSchema.migrate(data);
    LedgerTarget.createTables(data);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Databases.url(data));
    config.setUsername(PostgresServer.SUPERUSER);
    config.setPassword(PostgresServer.PASSWORD);
    config.setMaximumPoolSize(4);
    // While the server is down, a write waits this long for a connection, then fails.
    config.setConnectionTimeout(500);
    InMemorySource source = InMemorySource.create();
    try (HikariDataSource pool = new HikariDataSource(config)) {
      PostgresLease lease = PostgresLease.create(pool, "engine", "solo", Duration.ofMinutes(5));
      assertThat(lease.tryAcquire()).isTrue();
      PostgresHistoryStore history = PostgresHistoryStore.open(pool, lease);
      PostgresInventoryStore inventories = PostgresInventoryStore.open(pool, lease);
      LedgerTarget ledger = new LedgerTarget(pool, lease);
      try (Engine engine =
          Engine.builder()
              .fence(lease)
              .history(history)
              .state(PostgresStateStore.open(pool))
              .stepParallelism(1)
              // No retry of its own before the assertions: every pass here is triggered.
              .backoff(Duration.ofMinutes(10), Duration.ofMinutes(20))
              .circuitOpenDuration(Duration.ofSeconds(1))
              .application(
                  Application.builder(APP)
                      .source(source)
                      .target(ledger.target(inventories))
                      .policy(SyncPolicy.automatic())
                      .interval(Duration.ofHours(1))
                      .build())
              .build()) {
        Map<String, String> first = new TreeMap<>();
        for (int i = 0; i < OBJECTS; i++) {
          first.put("cm-" + i, "v1");
        }
        source.commit(files(first));
        assertThat(engine.trigger(APP).get(60, TimeUnit.SECONDS).status())
            .isEqualTo(PassStatus.SYNCED);
        int recordsBefore = history.list(APP, 1000).size();

        // Revision 2 updates every object, adds five and prunes five.
        Map<String, String> second = new TreeMap<>();
        first.forEach((name, value) -> second.put(name, "v2"));
        for (int i = 0; i < 5; i++) {
          second.remove("cm-" + i);
          second.put("cm-new-" + i, "v2");
        }
        String revision = source.commit(files(second));
        AtomicInteger writes = new AtomicInteger();
        ledger.insideWrite(
            step -> {
              if (writes.incrementAndGet() == CRASH_AT_WRITE) {
                server.crash(); // the write's rows are in, its commit is not
              }
            });
        PassResult failed = engine.trigger(APP).get(5, TimeUnit.MINUTES);
        ledger.insideWrite(step -> {});
        server.startAgain();
        awaitPool(pool);

        assertThat(failed.status()).as("pass %s", failed.error()).isEqualTo(PassStatus.FAILED);
        assertThat(failed.retryable()).as("retryable").isTrue();
        assertThat(failed.results())
            .filteredOn(r -> r.outcome() == StepResult.Outcome.APPLIED)
            .hasSize(CRASH_AT_WRITE - 1);
        assertThat(failed.results())
            .filteredOn(StepResult::failed)
            .first()
            .satisfies(r -> assertThat(r.message()).contains("cannot write"));
        assertThat(written(revision))
            .as("writes of the failed pass that landed")
            .hasSize(CRASH_AT_WRITE - 1);
        assertThat(history.verify()).isEqualTo(Verification.ok(recordsBefore));
        assertThat(history.list(APP, 1000))
            .as("no record of the pass cut off by the crash")
            .noneMatch(r -> r.revision().equals(revision));

        // The failed writes opened the target's circuit breaker: passes fail fast, writing
        // nothing, until it lets a trial call through.
        PassResult next = engine.trigger(APP).get(60, TimeUnit.SECONDS);
        int failedFast = 0;
        CountDownLatch never = new CountDownLatch(1);
        while (next.status() == PassStatus.FAILED
            && next.error().contains("circuit breaker open")
            && failedFast++ < 100) {
          assertThat(next.writes()).isZero();
          never.await(50, TimeUnit.MILLISECONDS);
          next = engine.trigger(APP).get(60, TimeUnit.SECONDS);
        }
        assertThat(next.status()).as("next pass %s", next.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(owned()).isEqualTo(second);
        Set<String> inventory = new TreeSet<>();
        for (ResourceId id : inventories.load(APP).resources()) {
          inventory.add(id.name());
        }
        assertThat(inventory).as("inventory equals the owned live set").isEqualTo(second.keySet());
        List<String> steps = written(revision);
        assertThat(steps)
            .as("each step once over both passes")
            .doesNotHaveDuplicates()
            .hasSize(OBJECTS + 5); // 15 updates, 5 creates, 5 deletes
        List<HistoryRecord> records = history.list(APP, 1000);
        List<HistoryRecord> atRevision =
            records.stream().filter(r -> r.revision().equals(revision)).toList();
        // Newest first: the converging pass, after at most the fast failures on the open breaker,
        // recorded whole and with no step applied.
        assertThat(atRevision).first().extracting(HistoryRecord::status).isEqualTo("SYNCED");
        assertThat(atRevision.subList(1, atRevision.size()))
            .hasSizeLessThanOrEqualTo(failedFast)
            .allSatisfy(
                r -> {
                  assertThat(r.status()).isEqualTo("FAILED");
                  assertThat(r.error()).contains("circuit breaker open");
                  assertThat(r.changes()).noneMatch(c -> c.outcome().equals("APPLIED"));
                });
        assertThat(history.verify()).isEqualTo(Verification.ok(records.size()));
        System.out.printf(
            "database crashed at write %d of %d: pass %s, retryable, error %.160s...;"
                + " %d passes failed fast on the open circuit breaker; then %s with %d writes%n",
            CRASH_AT_WRITE,
            OBJECTS + 5,
            failed.status(),
            failed.error(),
            failedFast,
            next.status(),
            next.writes());
      }
    }
  }

  /** Waits until the pool hands out a working connection again (it backs off while refused). */
  private static void awaitPool(HikariDataSource pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    CountDownLatch never = new CountDownLatch(1);
    while (true) {
      try (Connection c = pool.getConnection()) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException notYet) {
        // refused or timed out: try again
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the pool did not reconnect within 30 s");
      }
      never.await(100, TimeUnit.MILLISECONDS);
    }
  }

  private static Map<String, String> files(Map<String, String> values) {
    Map<String, String> files = new LinkedHashMap<>();
    values.forEach(
        (name, value) ->
            files.put(
                name + ".yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
                    + name
                    + "\n  namespace: "
                    + APP
                    + "\ndata:\n  value: \""
                    + value
                    + "\"\n"));
    return files;
  }

  /** "action name" of every ledger write at {@code revision}. */
  private List<String> written(String revision) throws SQLException {
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select action || ' ' || name from ledger_write where revision = ? order by id")) {
      select.setString(1, revision);
      try (ResultSet rows = select.executeQuery()) {
        List<String> steps = new java.util.ArrayList<>();
        while (rows.next()) {
          steps.add(rows.getString(1));
        }
        return steps;
      }
    }
  }

  private Map<String, String> owned() throws SQLException {
    Map<String, String> values = new TreeMap<>();
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select name, body::json -> 'data' ->> 'value' from ledger_object"
                    + " where application = ?")) {
      select.setString(1, APP);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          values.put(rows.getString(1), rows.getString(2));
        }
      }
    }
    return values;
  }
}
