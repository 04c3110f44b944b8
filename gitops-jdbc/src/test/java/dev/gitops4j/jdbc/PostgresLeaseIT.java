package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.FencedException;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PostgresLeaseIT extends ServerPerClass {

  private PostgresLease lease(String holder, Duration duration) throws Exception {
    return PostgresLease.create(data, "engine", holder, duration);
  }

  @Test
  void oneHolderAtATimeAndEachNewTermGetsALargerToken() throws Exception {
    PostgresLease a = lease("a", Duration.ofMinutes(1));
    PostgresLease b = lease("b", Duration.ofMinutes(1));

    assertThat(a.tryAcquire()).isTrue();
    long first = a.token().orElseThrow();
    assertThat(b.tryAcquire()).isFalse();
    assertThat(b.token()).isEmpty();
    assertThat(a.renew()).isTrue();
    assertThat(a.tryAcquire()).isTrue(); // the holder again: same term, same token
    assertThat(a.token().orElseThrow()).isEqualTo(first);
    a.check("web");
    assertThatThrownBy(() -> b.check("web"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("b does not hold lease engine");

    a.release();
    assertThat(a.token()).isEmpty();
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.token().orElseThrow()).isGreaterThan(first);
    assertThat(b.state().orElseThrow().holder()).contains("b");
    assertThat(a.renew()).isFalse();
  }

  @Test
  void expiryIsJudgedByTheDatabaseClockAndTheDeposedHolderIsFenced() throws Exception {
    PostgresLease a = lease("a", Duration.ofMillis(300));
    PostgresLease b = lease("b", Duration.ofMinutes(1));
    assertThat(a.tryAcquire()).isTrue();
    long tokenA = a.token().orElseThrow();
    assertThat(b.tryAcquire()).isFalse();

    Leases.awaitExpiry(a);
    // Expired but not yet taken: the holder may not write any more.
    assertThatThrownBy(() -> a.check("web"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("expired at")
        .hasMessageContaining("by database time");

    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.token().orElseThrow()).isGreaterThan(tokenA);
    assertThat(a.renew()).isFalse();
    b.check("web");
  }

  @Test
  void aTakenOverHolderIsToldWhoHoldsTheLeaseNow() throws Exception {
    PostgresLease a = lease("a", Duration.ofMillis(200));
    PostgresLease b = lease("b", Duration.ofMinutes(1));
    a.tryAcquire();
    Leases.awaitExpiry(a);
    b.tryAcquire();

    assertThatThrownBy(() -> a.check("web"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("refusing to write for web")
        .hasMessageContaining("taken over")
        .hasMessageContaining("held by b with token " + b.token().orElseThrow());
  }

  @Test
  void tokensOnlyGrowAcrossManyHandovers() throws Exception {
    List<PostgresLease> replicas =
        List.of(
            lease("a", Duration.ofMinutes(1)),
            lease("b", Duration.ofMinutes(1)),
            lease("c", Duration.ofMinutes(1)));
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      PostgresLease next = replicas.get(i % 3);
      assertThat(next.tryAcquire()).isTrue();
      tokens.add(next.token().orElseThrow());
      next.release();
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aLeaseRowDeletedByHandDoesNotResetTheTokens() throws Exception {
    PostgresLease a = lease("a", Duration.ofMinutes(1));
    a.tryAcquire();
    long first = a.token().orElseThrow();
    Databases.sql(data, "delete from gitops_lease");
    assertThatThrownBy(() -> a.check("web"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("does not exist");

    PostgresLease b = lease("b", Duration.ofMinutes(1));
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.token().orElseThrow()).isGreaterThan(first);
  }

  @Test
  void aTakeoverWaitsForTheWriteInFlight() throws Exception {
    PostgresLease a = lease("a", Duration.ofSeconds(5));
    PostgresLease b = lease("b", Duration.ofMinutes(1));
    assertThat(a.tryAcquire()).isTrue();
    ExecutorService successor = Executors.newSingleThreadExecutor();
    try (Connection write = data.getConnection()) {
      // A's write: the fence check inside its transaction, which has not committed yet.
      write.setAutoCommit(false);
      a.checkWithin(write, "web");

      Future<Boolean> takeover = successor.submit(b::tryAcquire);
      assertThatThrownBy(() -> takeover.get(1, TimeUnit.SECONDS))
          .isInstanceOf(TimeoutException.class);

      write.commit();
      assertThat(takeover.get(30, TimeUnit.SECONDS)).isFalse(); // A's term still runs
    } finally {
      successor.shutdownNow();
    }
    a.check("web");
  }

  @Test
  void aHolderStalledInsideItsWriteIsEndedByTheServerAndItsWriteLost() throws Exception {
    PostgresLease a = lease("a", Duration.ofMillis(500));
    PostgresLease b = lease("b", Duration.ofMinutes(1));
    assertThat(a.tryAcquire()).isTrue();
    try (Connection write = data.getConnection()) {
      write.setAutoCommit(false);
      a.checkWithin(write, "web");
      Databases.sql(data, "create table a_wrote (x int)");
      try (var insert = write.createStatement()) {
        insert.execute("insert into a_wrote values (1)");
      }
      // A stalls here, its transaction open: B gets the lease once the server ended A's session.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!b.tryAcquire()) {
        assertThat(System.nanoTime()).as("B never got the lease").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(b.token().orElseThrow()).isGreaterThan(a.token().orElse(0));

      assertThatThrownBy(write::commit).isInstanceOf(java.sql.SQLException.class);
    }
    assertThat(Databases.number(data, "select count(*) from a_wrote")).isZero();
    assertThatThrownBy(() -> a.check("web")).isInstanceOf(FencedException.class);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> PostgresLease.create(data, " ", "a", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> PostgresLease.create(data, "engine", "a", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }
}
