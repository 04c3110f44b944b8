package dev.gitops4j.jdbc;

import java.io.IOException;

final class Leases {

  private Leases() {}

  /** Waits until the database's clock has passed the lease's expiry. */
  static void awaitExpiry(PostgresLease lease) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!lease.state().orElseThrow().expired()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("lease " + lease.name() + " did not expire within 30 s");
      }
      Thread.sleep(50);
    }
  }
}
