package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore.Verification;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.GitRepoFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover with real processes: three engine JVMs ({@link EngineReplica}) share one PostgreSQL for
 * their lease, history, inventories, engine state and target ({@link LedgerTarget}), each running
 * the same applications. Each trial commits a new revision and kills the leader with SIGKILL at a
 * random point of the pass that applies it (after a seeded random number of its writes landed); the
 * survivors must take over and converge. After the trials: no orphan (each inventory equals the
 * owned live set, which equals the desired set), no step applied twice (the ledger's evidence log
 * holds each planned step of each revision exactly once), fencing tokens never go back in write
 * order, the history chain verifies, and no two passes of one application overlapped in time.
 *
 * <p>The table gives, per trial, the time from the kill to the new leader's first pass start and to
 * every application synced at the new revision, with p50/p95/max. Defaults keep CI short (3
 * trials); {@code -Dgitops4j.failover.trials=20} runs the full form, {@code
 * -Dgitops4j.failover.seed=N} picks other kill points, {@code -Dgitops4j.failover.objects=N} the
 * objects per application.
 */
class EngineFailoverIT extends ServerPerClass {

  private static final List<String> APPS = List.of("alpha", "beta");
  private static final int REPLICAS = 3;
  private static final long LEASE_MILLIS = 2000;
  private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path dir;

  private final Map<String, Process> replicas = new LinkedHashMap<>(); // holder -> process
  private int generation;

  @Test
  void killedLeadersAreReplacedAndTheSurvivorsConvergeWithoutOrphansOrDoubleWrites()
      throws Exception {
    int trials = Integer.getInteger("gitops4j.failover.trials", 3);
    int objects = Integer.getInteger("gitops4j.failover.objects", 120);
    long seed = Long.getLong("gitops4j.failover.seed", 20261202L);
    Random random = new Random(seed);
    System.out.printf(
        "engine failover: %d trials, %d replicas, %d applications x %d objects, lease %d ms,"
            + " seed %d%n",
        trials, REPLICAS, APPS.size(), objects, LEASE_MILLIS, seed);

    PostgresSchema.migrate(data);
    LedgerTarget.createTables(data);
    String url = Databases.url(data);
    Path stop = dir.resolve("stop");
    List<Trial> table = new ArrayList<>();
    Map<String, Instant> deaths = new HashMap<>();
    Map<String, Map<String, String>> desired = new TreeMap<>();
    List<String> revisions = new ArrayList<>();
    Map<String, Set<String>> expectedSteps = new HashMap<>(); // revision -> "app action name"
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      for (String app : APPS) {
        desired.put(app, revision(0, objects, random, Map.of()));
      }
      String first = commit(repo, 0, desired, Map.of());
      for (int r = 0; r < REPLICAS; r++) {
        start(url, repo, stop, r);
      }
      awaitConverged(first, desired, Set.of());

      for (int trial = 1; trial <= trials; trial++) {
        Map<String, Map<String, String>> next = new TreeMap<>();
        Set<String> steps = new TreeSet<>();
        for (String app : APPS) {
          next.put(app, revision(trial, objects, random, desired.get(app)));
          steps.addAll(steps(app, desired.get(app), next.get(app)));
        }
        // Kill points spread over the first two thirds of the writes (0: before the first one);
        // writes go on landing while the kill is on its way.
        int killAfter = random.nextInt(Math.max(1, steps.size() * 2 / 3));
        Instant committedAt = dbNow();
        String revision = commit(repo, trial, next, desired);
        desired = next;
        revisions.add(revision);
        expectedSteps.put(revision, steps);

        Lease leader = await("a leader", Duration.ofSeconds(30), this::currentLeader);
        await(
            "the leader's pass of trial " + trial + " to make " + killAfter + " writes",
            Duration.ofSeconds(60),
            () -> passUnderway(revision, committedAt, leader, killAfter) ? true : null);
        Instant killedAt = dbNow();
        Process process = replicas.remove(leader.holder());
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant dead = dbNow();
        deaths.put(leader.holder(), dead);
        long landed = count("select count(*) from ledger_write where revision = ?", revision);
        boolean midPass =
            count(
                    "select count(*) from ledger_pass where holder = ? and ended_at is null",
                    leader.holder())
                > 0;

        awaitConverged(revision, desired, Set.of(leader.holder()));
        Instant takeover =
            instant(
                "select min(started_at) from ledger_pass where started_at > ?"
                    + " and coalesce(nullif(token_at_end, 0), token_at_start) > ?"
                    + " and status is not null and status <> 'SUSPENDED'",
                killedAt,
                leader.token());
        Instant converged = convergedAt(revision, killedAt);
        table.add(
            new Trial(
                trial,
                killAfter,
                landed,
                steps.size(),
                midPass,
                Duration.between(killedAt, takeover).toMillis(),
                Duration.between(killedAt, converged).toMillis()));
        start(url, repo, stop, slot(leader.holder()));
      }

      Files.createFile(stop);
      for (Map.Entry<String, Process> replica : replicas.entrySet()) {
        assertThat(replica.getValue().waitFor(60, TimeUnit.SECONDS))
            .as("%s stops", replica.getKey())
            .isTrue();
        assertThat(replica.getValue().exitValue())
            .as("%s: %s", replica.getKey(), output(replica.getKey()))
            .isZero();
      }
    } finally {
      replicas.values().forEach(Process::destroyForcibly);
    }

    printTable(table);
    assertNoOrphans(desired);
    assertEachStepAppliedOnce(expectedSteps);
    assertTokensNeverGoBack();
    assertHistory(revisions);
    assertNoOverlappingPasses(deaths);
    assertThat(table.stream().filter(Trial::midPass).count())
        .as("kills that hit a running pass")
        .isPositive();
  }

  /** One row of the failover table. */
  record Trial(
      int trial,
      int killAfter,
      long landed,
      int steps,
      boolean midPass,
      long takeoverMillis,
      long convergedMillis) {}

  // --- the applications' revisions ---

  /** Object name → value: a tenth replaced (prune and create), a third updated, the rest kept. */
  private static Map<String, String> revision(
      int trial, int objects, Random random, Map<String, String> previous) {
    Map<String, String> values = new TreeMap<>();
    if (previous.isEmpty()) {
      for (int i = 0; i < objects; i++) {
        values.put("cm-" + i, "v0");
      }
      return values;
    }
    int replaced = 0;
    for (Map.Entry<String, String> entry : previous.entrySet()) {
      double roll = random.nextDouble();
      if (roll < 0.1) {
        replaced++;
      } else if (roll < 0.43) {
        values.put(entry.getKey(), "v" + trial);
      } else {
        values.put(entry.getKey(), entry.getValue());
      }
    }
    for (int i = 0; i < replaced; i++) {
      values.put("cm-t" + trial + "-" + i, "v" + trial);
    }
    return values;
  }

  /** The steps that bring {@code app} from {@code before} to {@code after}. */
  private static Set<String> steps(
      String app, Map<String, String> before, Map<String, String> after) {
    Set<String> steps = new TreeSet<>();
    after.forEach(
        (name, value) -> {
          if (!before.containsKey(name)) {
            steps.add(app + " create " + name);
          } else if (!before.get(name).equals(value)) {
            steps.add(app + " update " + name);
          }
        });
    before.keySet().stream()
        .filter(name -> !after.containsKey(name))
        .forEach(name -> steps.add(app + " delete " + name));
    return steps;
  }

  private static String commit(
      GitRepoFixture repo,
      int trial,
      Map<String, Map<String, String>> next,
      Map<String, Map<String, String>> previous) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String app : APPS) {
      Map<String, String> values = next.get(app);
      previous.getOrDefault(app, Map.of()).keySet().stream()
          .filter(name -> !values.containsKey(name))
          .forEach(name -> files.put(app + "/" + name + ".yaml", null));
      values.forEach(
          (name, value) ->
              files.put(
                  app + "/" + name + ".yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
                      + name
                      + "\n  namespace: "
                      + app
                      + "\ndata:\n  value: \""
                      + value
                      + "\"\n"));
    }
    return repo.commit("trial " + trial, files);
  }

  // --- replicas ---

  private void start(String url, GitRepoFixture repo, Path stop, int slot) throws IOException {
    String holder = "r" + slot + "-g" + generation++;
    Path work = Files.createDirectories(dir.resolve(holder));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(EngineReplica.class.getName());
    command.addAll(
        List.of(
            url,
            repo.uri(),
            work.toString(),
            holder,
            String.valueOf(LEASE_MILLIS),
            stop.toString()));
    command.addAll(APPS);
    replicas.put(
        holder,
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(holder + ".log").toFile())
            .start());
  }

  private static int slot(String holder) {
    return Integer.parseInt(holder.substring(1, holder.indexOf('-')));
  }

  private String output(String holder) {
    try {
      return Files.readString(dir.resolve(holder + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The lease as its current, unexpired holder has it. */
  record Lease(String holder, long token) {}

  private Lease currentLeader() throws SQLException {
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select holder, token from gitops_lease where name = 'engine'"
                    + " and holder is not null and expires_at > now()");
        ResultSet rows = select.executeQuery()) {
      if (rows.next() && replicas.containsKey(rows.getString(1))) {
        return new Lease(rows.getString(1), rows.getLong(2));
      }
      return null;
    }
  }

  /** The leader runs a pass at {@code revision} that made at least {@code writes} writes. */
  private boolean passUnderway(String revision, Instant committedAt, Lease leader, int writes)
      throws SQLException {
    if (writes > 0) {
      return count("select count(*) from ledger_write where revision = ?", revision) >= writes;
    }
    // Kill before its first write: as soon as a pass of the leader's term started after the commit.
    return count(
                "select count(*) from ledger_pass where holder = ? and token_at_start = ?"
                    + " and started_at > ?",
                leader.holder(),
                leader.token(),
                committedAt)
            > 0
        || count("select count(*) from ledger_write where revision = ?", revision) > 0;
  }

  // --- convergence ---

  /**
   * Waits until every application's owned objects equal {@code desired} and a replica other than
   * {@code killed} finished a pass at {@code revision} in sync.
   */
  private void awaitConverged(
      String revision, Map<String, Map<String, String>> desired, Set<String> killed)
      throws Exception {
    try {
      await(
          "convergence at " + revision,
          CONVERGE_TIMEOUT,
          () -> {
            for (String app : APPS) {
              if (!owned(app).equals(desired.get(app))) {
                return null;
              }
              if (count(
                      "select count(*) from ledger_pass where application = ? and revision = ?"
                          + " and status in ('SYNCED', 'IN_SYNC') and holder <> all(?)",
                      app,
                      revision,
                      killed.toArray(String[]::new))
                  == 0) {
                return null;
              }
            }
            return true;
          });
    } catch (AssertionError e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      replicas
          .keySet()
          .forEach(h -> logs.append("\n--- ").append(h).append('\n').append(output(h)));
      throw new AssertionError(logs.toString(), e);
    }
  }

  /** When the last application finished its first in-sync pass at {@code revision}. */
  private Instant convergedAt(String revision, Instant after) throws SQLException {
    return instant(
        "select max(first) from (select min(ended_at) as first from ledger_pass"
            + " where revision = ? and status in ('SYNCED', 'IN_SYNC') and ended_at > ?"
            + " group by application) firsts",
        revision,
        after);
  }

  /** Name → value of the live objects {@code app} owns. */
  private Map<String, String> owned(String app) throws SQLException {
    Map<String, String> values = new TreeMap<>();
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select name, body::json -> 'data' ->> 'value' from ledger_object"
                    + " where application = ?")) {
      select.setString(1, app);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          values.put(rows.getString(1), rows.getString(2));
        }
      }
    }
    return values;
  }

  // --- the checks after the trials ---

  private void assertNoOrphans(Map<String, Map<String, String>> desired) throws Exception {
    PostgresInventoryStore inventories = PostgresInventoryStore.open(data);
    for (String app : APPS) {
      Map<String, String> live = owned(app);
      assertThat(live)
          .as("%s: owned live objects equal the desired ones", app)
          .isEqualTo(desired.get(app));
      Set<String> inventory = new TreeSet<>();
      for (ResourceId id : inventories.load(app).resources()) {
        inventory.add(id.name());
      }
      assertThat(inventory)
          .as("%s: inventory equals the owned live set", app)
          .isEqualTo(live.keySet());
    }
    assertThat(
            count(
                "select count(*) from ledger_object where application <> all(?)",
                (Object) APPS.toArray(String[]::new)))
        .as("objects no application owns")
        .isZero();
  }

  private void assertEachStepAppliedOnce(Map<String, Set<String>> expected) throws SQLException {
    assertThat(
            count(
                "select count(*) from (select 1 from ledger_write"
                    + " group by application, revision, kind, scope, name, action"
                    + " having count(*) > 1) twice"))
        .as("steps applied twice at one revision")
        .isZero();
    for (Map.Entry<String, Set<String>> revision : expected.entrySet()) {
      Set<String> written = new TreeSet<>();
      try (Connection c = data.getConnection();
          PreparedStatement select =
              c.prepareStatement(
                  "select application || ' ' || action || ' ' || name from ledger_write"
                      + " where revision = ?")) {
        select.setString(1, revision.getKey());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            written.add(rows.getString(1));
          }
        }
      }
      assertThat(written)
          .as("writes at %s: each planned step once", revision.getKey())
          .isEqualTo(revision.getValue());
    }
  }

  private void assertTokensNeverGoBack() throws SQLException {
    List<Long> tokens = new ArrayList<>();
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement("select token from ledger_write order by id");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        tokens.add(rows.getLong(1));
      }
    }
    assertThat(tokens).as("fencing tokens in write order").isSorted();
  }

  private void assertHistory(List<String> revisions) throws IOException {
    PostgresHistoryStore history = PostgresHistoryStore.open(data);
    int records = 0;
    for (String app : APPS) {
      List<HistoryRecord> list = history.list(app, Integer.MAX_VALUE);
      records += list.size();
      for (String revision : revisions) {
        long synced =
            list.stream()
                .filter(r -> r.revision().equals(revision) && r.status().equals("SYNCED"))
                .count();
        long inSync =
            list.stream()
                .filter(r -> r.revision().equals(revision) && r.status().equals("IN_SYNC"))
                .count();
        assertThat(synced).as("%s: SYNCED records at %s", app, revision).isLessThanOrEqualTo(1);
        assertThat(synced + inSync).as("%s: records in sync at %s", app, revision).isPositive();
      }
    }
    assertThat(history.verify()).isEqualTo(Verification.ok(records));
  }

  /**
   * Passes that ran (neither fenced at their start nor suspended) never overlap per application; a
   * killed replica's unfinished pass ends when the replica died.
   */
  private void assertNoOverlappingPasses(Map<String, Instant> deaths) throws SQLException {
    for (String app : APPS) {
      List<Instant[]> passes = new ArrayList<>();
      List<String> who = new ArrayList<>();
      try (Connection c = data.getConnection();
          PreparedStatement select =
              c.prepareStatement(
                  "select holder, started_at, ended_at, status from ledger_pass"
                      + " where application = ? and (status is null or status <> 'SUSPENDED')"
                      + " order by started_at")) {
        select.setString(1, app);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            String holder = rows.getString(1);
            Timestamp ended = rows.getTimestamp(3);
            Instant end;
            if (ended != null) {
              end = ended.toInstant();
            } else {
              assertThat(deaths)
                  .as("%s: unfinished pass of a replica not killed", app)
                  .containsKey(holder);
              end = deaths.get(holder);
            }
            passes.add(new Instant[] {rows.getTimestamp(2).toInstant(), end});
            who.add(holder);
          }
        }
      }
      for (int i = 1; i < passes.size(); i++) {
        assertThat(passes.get(i)[0])
            .as(
                "%s: pass of %s starts after the previous one (%s) ended",
                app, who.get(i), who.get(i - 1))
            .isAfterOrEqualTo(passes.get(i - 1)[1]);
      }
      assertThat(passes).as("%s: passes that ran", app).isNotEmpty();
    }
  }

  private static void printTable(List<Trial> table) {
    System.out.println("trial  kill after  landed/steps  killed        takeover ms  converged ms");
    for (Trial t : table) {
      System.out.printf(
          "%5d  %10d  %6d/%-5d  %-12s  %11d  %12d%n",
          t.trial(),
          t.killAfter(),
          t.landed(),
          t.steps(),
          t.midPass() ? "mid-pass" : "between",
          t.takeoverMillis(),
          t.convergedMillis());
    }
    List<Long> takeover = table.stream().map(Trial::takeoverMillis).sorted().toList();
    List<Long> converged = table.stream().map(Trial::convergedMillis).sorted().toList();
    System.out.printf(
        "failover over %d trials (%d killed mid-pass): takeover p50 %d ms, p95 %d ms, max %d ms;"
            + " converged p50 %d ms, p95 %d ms, max %d ms%n",
        table.size(),
        table.stream().filter(Trial::midPass).count(),
        percentile(takeover, 50),
        percentile(takeover, 95),
        takeover.get(takeover.size() - 1),
        percentile(converged, 50),
        percentile(converged, 95),
        converged.get(converged.size() - 1));
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  // --- database helpers ---

  private Instant dbNow() throws SQLException {
    return instant("select clock_timestamp()");
  }

  private Instant instant(String query, Object... parameters) throws SQLException {
    try (Connection c = data.getConnection();
        PreparedStatement select = prepare(c, query, parameters);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      Timestamp at = rows.getTimestamp(1);
      assertThat(at).as("%s", query).isNotNull();
      return at.toInstant();
    }
  }

  private long count(String query, Object... parameters) throws SQLException {
    try (Connection c = data.getConnection();
        PreparedStatement select = prepare(c, query, parameters);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static PreparedStatement prepare(Connection c, String query, Object... parameters)
      throws SQLException {
    PreparedStatement statement = c.prepareStatement(query);
    for (int i = 0; i < parameters.length; i++) {
      Object p = parameters[i];
      if (p instanceof Instant instant) {
        statement.setTimestamp(i + 1, Timestamp.from(instant));
      } else if (p instanceof String[] array) {
        statement.setArray(i + 1, c.createArrayOf("text", array));
      } else {
        statement.setObject(i + 1, p);
      }
    }
    return statement;
  }

  /** Polls {@code probe} until it returns non-null, failing after {@code timeout}. */
  private static <T> T await(String what, Duration timeout, Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    CountDownLatch never = new CountDownLatch(1);
    while (true) {
      T value = probe.call();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      never.await(5, TimeUnit.MILLISECONDS);
    }
  }
}
