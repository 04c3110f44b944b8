package dev.gitops4j.jdbc;

import dev.gitops4j.engine.Fence;
import dev.gitops4j.jdbc.internal.Transactions;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** The one way the stores write: a transaction that first makes sure the fence still allows it. */
final class FencedWrite {

  /**
   * How long an unfenced writer may leave its transaction idle (stalled process, lost network)
   * before the server ends it, so other replicas' writes to the application do not wait forever.
   */
  private static final Duration STALLED_WRITER_LIMIT = Duration.ofSeconds(10);

  private FencedWrite() {}

  /**
   * Runs {@code work} in a transaction for {@code application}. A {@link PostgresLease} is checked
   * inside that transaction (see {@link PostgresLease#checkWithin}); any other fence just before
   * it.
   */
  static <T> T run(DataSource data, Fence fence, String application, Transactions.Work<T> work)
      throws SQLException {
    PostgresLease lease = fence instanceof PostgresLease l ? l : null;
    if (lease == null) {
      fence.check(application);
    }
    return Transactions.write(
        data,
        c -> {
          if (lease != null) {
            lease.checkWithin(c, application);
          } else {
            Transactions.boundIdleTime(c, STALLED_WRITER_LIMIT);
          }
          return work.run(c);
        });
  }
}
