package dev.gitops4j.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One engine replica of {@link EngineFailoverIT} in its own process, wired as the operations guide
 * wires a replica: a {@link PostgresLease} as the engine's fence, renewed by a scheduler that
 * triggers every application when it takes the lease over; history, inventories and engine state in
 * PostgreSQL; the applications' objects in the {@link LedgerTarget}. Every pass is recorded in
 * {@code ledger_pass} (start and end by database time, holder and token) for the overlap check.
 * Runs until it is killed or the stop file appears.
 *
 * <p>Arguments: JDBC URL, repository URI, work folder, holder, lease milliseconds, stop file, then
 * the applications (each syncs the repository folder of its name).
 */
public final class EngineReplica {

  private EngineReplica() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String repository = args[1];
    Path work = Path.of(args[2]);
    String holder = args[3];
    Duration leaseDuration = Duration.ofMillis(Long.parseLong(args[4]));
    Path stop = Path.of(args[5]);
    List<String> applications = List.of(args).subList(6, args.length);
    ScheduledExecutorService elector = Executors.newSingleThreadScheduledExecutor();
    try (HikariDataSource pool = Databases.pooled(url, 6)) {
      PostgresLease lease = PostgresLease.create(pool, "engine", holder, leaseDuration);
      PostgresInventoryStore inventories = PostgresInventoryStore.open(pool, lease);
      LedgerTarget ledger = new LedgerTarget(pool, lease);
      Engine.Builder builder =
          Engine.builder()
              .fence(lease)
              .history(PostgresHistoryStore.open(pool, lease))
              .state(PostgresStateStore.open(pool))
              .backoff(Duration.ofMillis(200), Duration.ofSeconds(1))
              .listener(new PassLog(pool, lease));
      for (String application : applications) {
        builder.application(
            Application.builder(application)
                .source(
                    GitSource.builder(repository)
                        .ref(GitRef.branch("main"))
                        .path(application)
                        .cacheDir(work.resolve("git-" + application))
                        .build())
                .target(ledger.target(inventories))
                .policy(SyncPolicy.automatic())
                .interval(Duration.ofSeconds(1))
                .build());
      }
      try (Engine engine = builder.build()) {
        engine.start();
        elector.scheduleWithFixedDelay(
            () -> {
              try {
                boolean held = lease.token().isPresent();
                boolean leading = held ? lease.renew() : lease.tryAcquire();
                if (leading && !held) {
                  engine.applications().forEach(engine::trigger);
                }
              } catch (Exception e) {
                System.out.println("lease: " + e);
              }
            },
            0,
            leaseDuration.toMillis() / 5,
            TimeUnit.MILLISECONDS);
        awaitFile(stop);
      }
    } finally {
      elector.shutdownNow();
    }
  }

  private static void awaitFile(Path stop) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    while (!Files.exists(stop)) {
      never.await(100, TimeUnit.MILLISECONDS);
    }
  }

  /** Records each pass's start and end in {@code ledger_pass}, by database time. */
  static final class PassLog implements ReconcileListener {
    private final DataSource data;
    private final PostgresLease lease;
    private final Map<String, Long> open = new ConcurrentHashMap<>();

    PassLog(DataSource data, PostgresLease lease) {
      this.data = data;
      this.lease = lease;
    }

    @Override
    public void passStarted(String application, Trigger trigger) {
      try (Connection c = data.getConnection();
          PreparedStatement insert =
              c.prepareStatement(
                  "insert into ledger_pass (application, holder, token_at_start)"
                      + " values (?, ?, ?) returning id")) {
        insert.setString(1, application);
        insert.setString(2, lease.holder());
        insert.setLong(3, lease.token().orElse(0));
        try (ResultSet rows = insert.executeQuery()) {
          rows.next();
          open.put(application, rows.getLong(1));
        }
      } catch (SQLException e) {
        System.out.println("pass log: " + e);
      }
    }

    @Override
    public void passFinished(PassResult result) {
      Long id = open.remove(result.application());
      if (id == null) {
        return;
      }
      try (Connection c = data.getConnection();
          PreparedStatement update =
              c.prepareStatement(
                  "update ledger_pass set ended_at = clock_timestamp(), status = ?, revision = ?,"
                      + " writes = ?, token_at_end = ? where id = ?")) {
        update.setString(1, result.status().name());
        update.setString(2, result.revision());
        update.setLong(3, result.writes());
        update.setLong(4, lease.token().orElse(0));
        update.setLong(5, id);
        update.executeUpdate();
      } catch (SQLException e) {
        System.out.println("pass log: " + e);
      }
    }
  }
}
