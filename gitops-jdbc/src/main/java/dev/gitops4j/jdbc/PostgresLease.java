package dev.gitops4j.jdbc;

import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.jdbc.internal.Transactions;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named lease in {@code gitops_lease} with a fencing token: leader election for replicas that
 * share a PostgreSQL database, without Kubernetes.
 *
 * <p>Whoever acquires a free or expired lease gets a new token from the sequence {@code
 * gitops_lease_token}, so a new holder's token is always strictly larger than every earlier one.
 * Expiry is judged by the database's clock ({@code now()}) only, never by the replicas' clocks, so
 * clock skew between replicas cannot make two of them believe they hold the lease.
 *
 * <p>As a {@link Fence}, {@link #check} asks the database whether this holder's token is still the
 * lease's current, unexpired token. Given to {@link PostgresHistoryStore} or {@link
 * PostgresInventoryStore}, the same check runs inside the write's own transaction with a share lock
 * on the lease row: a new holder's token is issued only after that write committed, and a write
 * with an older token is refused and changes nothing.
 *
 * <p>Renew well within the lease duration (e.g. every third of it) from a scheduler; a holder that
 * fails to renew in time is deposed by the next {@link #tryAcquire()} of another replica. One
 * instance per process and lease name; the holder id must be unique per process (the default is).
 * Thread-safe.
 */
public final class PostgresLease implements Fence {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresLease.class);

  private final DataSource data;
  private final String name;
  private final String holder;
  private final Duration duration;
  private volatile long token; // 0 while not held

  private PostgresLease(DataSource data, String name, String holder, Duration duration) {
    this.data = data;
    this.name = name;
    this.holder = holder;
    this.duration = duration;
  }

  /**
   * A lease handle for this process with a generated holder id ({@code host/pid/random}); migrates
   * the schema if needed. Does not acquire.
   */
  public static PostgresLease create(DataSource data, String name, Duration duration)
      throws IOException {
    return create(data, name, defaultHolder(), duration);
  }

  /**
   * A lease handle; migrates the schema if needed. Does not acquire.
   *
   * @param name the lease, e.g. one per engine or per shard of applications
   * @param holder this process's identity, unique among the replicas
   * @param duration how long an acquisition or renewal holds without another renewal
   */
  public static PostgresLease create(DataSource data, String name, String holder, Duration duration)
      throws IOException {
    Objects.requireNonNull(data, "data");
    requireText(name, "name");
    requireText(holder, "holder");
    if (duration == null || duration.toMillis() < 1) {
      throw new IllegalArgumentException("lease duration must be at least 1 ms, was " + duration);
    }
    PostgresSchema.migrate(data);
    return new PostgresLease(data, name, holder, duration);
  }

  private static String defaultHolder() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return host
        + "/"
        + ProcessHandle.current().pid()
        + "/"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The lease's name. */
  public String name() {
    return name;
  }

  /** This process's holder id. */
  public String holder() {
    return holder;
  }

  /**
   * The token of the current term, or empty when this handle does not believe it holds the lease.
   */
  public OptionalLong token() {
    long t = token;
    return t == 0 ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /**
   * Takes the lease if it is free, released or expired, with a new token; extends it with the same
   * token if this holder still holds it.
   *
   * @return true when this holder holds the lease now
   */
  public boolean tryAcquire() throws IOException {
    String sql =
        """
        insert into gitops_lease as l
          (name, holder, token, acquired_at, renewed_at, expires_at)
        values (?, ?, nextval('gitops_lease_token'), now(), now(),
                now() + ? * interval '1 millisecond')
        on conflict (name) do update set
          token = case when l.holder = excluded.holder and l.expires_at > now()
                       then l.token else excluded.token end,
          acquired_at = case when l.holder = excluded.holder and l.expires_at > now()
                             then l.acquired_at else now() end,
          holder = excluded.holder,
          renewed_at = now(),
          expires_at = excluded.expires_at
        where l.holder is null or l.expires_at <= now() or l.holder = excluded.holder
        returning token""";
    try {
      long acquired =
          Transactions.write(
              data,
              c -> {
                // Waits at most one lease duration for a write of the current term to finish.
                Transactions.boundLockWait(c, duration);
                try (PreparedStatement upsert = c.prepareStatement(sql)) {
                  upsert.setString(1, name);
                  upsert.setString(2, holder);
                  upsert.setLong(3, duration.toMillis());
                  try (ResultSet rows = upsert.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : 0L;
                  }
                }
              });
      long previous = token;
      token = acquired;
      if (acquired != 0 && acquired != previous) {
        LOG.info("lease {} acquired by {} with token {}", name, holder, acquired);
      }
      return acquired != 0;
    } catch (SQLException e) {
      if (Transactions.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        LOG.debug("lease {} busy: a write of the current term is still in flight", name);
        return false;
      }
      throw new IOException("cannot acquire lease " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Extends the current term by the lease duration from now (database time).
   *
   * @return false when this holder no longer holds the lease (expired, released or taken over); the
   *     handle then forgets its token
   */
  public boolean renew() throws IOException {
    long current = token;
    if (current == 0) {
      return false;
    }
    try {
      int updated =
          Transactions.write(
              data,
              c -> {
                try (PreparedStatement update =
                    c.prepareStatement(
                        "update gitops_lease set renewed_at = now(),"
                            + " expires_at = now() + ? * interval '1 millisecond'"
                            + " where name = ? and holder = ? and token = ? and expires_at > now()")) {
                  update.setLong(1, duration.toMillis());
                  update.setString(2, name);
                  update.setString(3, holder);
                  update.setLong(4, current);
                  return update.executeUpdate();
                }
              });
      if (updated == 0) {
        token = 0;
        LOG.warn("lease {} lost by {} (token {})", name, holder, current);
        return false;
      }
      return true;
    } catch (SQLException e) {
      throw new IOException("cannot renew lease " + name + ": " + e.getMessage(), e);
    }
  }

  /** Gives the lease up at once, so another replica can take it without waiting for expiry. */
  public void release() throws IOException {
    long current = token;
    token = 0;
    if (current == 0) {
      return;
    }
    try {
      Transactions.write(
          data,
          c -> {
            try (PreparedStatement update =
                c.prepareStatement(
                    "update gitops_lease set holder = null, expires_at = now()"
                        + " where name = ? and holder = ? and token = ?")) {
              update.setString(1, name);
              update.setString(2, holder);
              update.setLong(3, current);
              return update.executeUpdate();
            }
          });
      LOG.info("lease {} released by {} (token {})", name, holder, current);
    } catch (SQLException e) {
      throw new IOException("cannot release lease " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * The lease as the database sees it now: its holder (empty when released), token and expiry.
   *
   * @param expired whether {@code expiresAt} is past by database time
   */
  public record State(
      String name, Optional<String> holder, long token, Instant expiresAt, boolean expired) {}

  /** Who holds the lease now, or empty when it was never acquired. */
  public Optional<State> state() throws IOException {
    try (Connection c = data.getConnection()) {
      return read(c, false);
    } catch (SQLException e) {
      throw new IOException("cannot read lease " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Confirms with the database that this holder's token is the lease's current one and unexpired.
   *
   * @throws FencedException when it is not, or when the database cannot be asked
   */
  @Override
  public void check(String application) {
    try (Connection c = data.getConnection()) {
      confirm(read(c, false), application);
    } catch (SQLException e) {
      throw new FencedException(
          "cannot confirm lease " + name + " before writing for " + application + ": " + e, e);
    }
  }

  /**
   * The same check inside the caller's transaction, holding a share lock on the lease row until it
   * ends, so no new token can be issued before the caller's write commits.
   */
  void checkWithin(Connection c, String application) throws SQLException {
    // A holder stalled inside this transaction (a long GC pause, SIGSTOP) would keep the share
    // lock, and with it every successor, waiting: the server ends such a session after one lease
    // duration, which rolls the write back and frees the row.
    Transactions.boundIdleTime(c, duration);
    confirm(read(c, true), application);
  }

  private void confirm(Optional<State> state, String application) {
    long mine = token;
    String refused = "refusing to write for " + application + ": ";
    if (mine == 0) {
      throw new FencedException(refused + holder + " does not hold lease " + name);
    }
    if (state.isEmpty()) {
      throw new FencedException(refused + "lease " + name + " does not exist");
    }
    State s = state.get();
    if (s.token() != mine || !s.holder().equals(Optional.of(holder))) {
      token = 0;
      throw new FencedException(
          refused
              + "lease "
              + name
              + " was taken over: "
              + holder
              + " had token "
              + mine
              + ", the lease is now "
              + s.holder().map(h -> "held by " + h).orElse("released")
              + " with token "
              + s.token());
    }
    if (s.expired()) {
      token = 0;
      throw new FencedException(
          refused
              + "lease "
              + name
              + " (token "
              + mine
              + ") expired at "
              + s.expiresAt()
              + " by database time");
    }
  }

  private Optional<State> read(Connection c, boolean lock) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select holder, token, expires_at, expires_at <= now() from gitops_lease"
                + " where name = ?"
                + (lock ? " for share" : ""))) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        Timestamp expires = rows.getTimestamp(3);
        return Optional.of(
            new State(
                name,
                Optional.ofNullable(rows.getString(1)),
                rows.getLong(2),
                expires.toInstant(),
                rows.getBoolean(4)));
      }
    }
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("lease " + what + " must not be blank");
    }
  }

  @Override
  public String toString() {
    return "PostgresLease[" + name + ", holder " + holder + ", token " + token + "]";
  }
}
