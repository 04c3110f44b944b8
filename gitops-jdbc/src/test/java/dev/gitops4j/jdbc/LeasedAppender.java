package dev.gitops4j.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.gitops4j.engine.FencedException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A replica in its own process: a renewer thread keeps (or tries to take) the lease, and the main
 * thread appends while it believes it leads, each record's revision naming its holder and token. It
 * acknowledges in a file each append that returned, each the fence refused ({@code FENCED}) and
 * each that failed otherwise ({@code FAILED}, outcome unknown to the writer).
 *
 * <p>Arguments: JDBC URL, application, holder, lease milliseconds, acknowledgement file, stop file.
 */
public final class LeasedAppender {

  private LeasedAppender() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String application = args[1];
    String holder = args[2];
    Duration leaseDuration = Duration.ofMillis(Long.parseLong(args[3]));
    Path stop = Path.of(args[5]);
    ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
    try (HikariDataSource pool = Databases.pooled(url, 3);
        OutputStream acks = new FileOutputStream(args[4], true)) {
      PostgresLease lease = PostgresLease.create(pool, "engine", holder, leaseDuration);
      PostgresHistoryStore store = PostgresHistoryStore.open(pool, lease);
      renewer.scheduleWithFixedDelay(
          () -> {
            try {
              if (lease.token().isPresent()) {
                lease.renew();
              } else {
                lease.tryAcquire();
              }
            } catch (Exception e) {
              System.out.println("lease: " + e);
            }
          },
          0,
          leaseDuration.toMillis() / 5,
          TimeUnit.MILLISECONDS);
      int i = 0;
      while (!Files.exists(stop)) {
        OptionalLong token = lease.token();
        if (token.isEmpty()) {
          Thread.sleep(20);
          continue;
        }
        String revision = holder + "-t" + token.getAsLong() + "-" + ++i;
        try {
          store.append(Databases.record(application, revision));
          acks.write((revision + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (FencedException e) {
          acks.write(("FENCED " + revision + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // As the engine does: log, and go on. The server may have ended a stalled session.
          System.out.println("append failed: " + e.getMessage());
          acks.write(("FAILED " + revision + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Thread.sleep(5);
      }
    } finally {
      renewer.shutdownNow();
    }
  }
}
