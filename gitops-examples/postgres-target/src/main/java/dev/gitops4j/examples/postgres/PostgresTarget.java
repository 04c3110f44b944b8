package dev.gitops4j.examples.postgres;

import dev.gitops4j.diff.DiffOptions;
import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.diff.UnifiedDiff;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.plan.Ordering;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL roles and schemas kept equal to Git: the entry point of this example, assembling the
 * SPI pieces into one core {@link Target}.
 *
 * <pre>{@code
 * Target target = PostgresTarget.builder("accounts")
 *     .connect("jdbc:postgresql://db.example.com/app", "gitops", System.getenv("PGPASSWORD"))
 *     .build();
 * Application app = Application.builder("accounts").source(source).target(target)
 *     .policy(SyncPolicy.automatic()).build();
 * }</pre>
 *
 * <p>One target per application, built with the application's name: the name is the ownership
 * marker written on every role and schema the application creates, and the key of its inventory in
 * the {@code gitops4j} schema.
 */
public final class PostgresTarget {

  /** Schemas are written after every role (their owners and grantees) and dropped before them. */
  static final int SCHEMA_WEIGHT = 1_000_000;

  private PostgresTarget() {}

  /**
   * Starts a target for one application.
   *
   * @param application the name the application is registered under in the engine
   */
  public static Builder builder(String application) {
    return new Builder(application);
  }

  /**
   * Builds the {@link Target}; a connection ({@code connect} or {@code dataSource}) is required.
   */
  public static final class Builder {
    private final Ownership ownership;
    private DataSource dataSource;
    private PGSimpleDataSource connected;
    private String endpoint;
    private Function<String, String> secrets = System::getenv;
    private Duration statementTimeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder(String application) {
      this.ownership = new Ownership(application);
    }

    /**
     * Connects with the PostgreSQL driver, with bounded connect and socket timeouts. The user needs
     * {@code CREATEROLE} and the right to create schemas in the database (or is superuser).
     *
     * @param password the user's password, or {@code null} when the server does not ask for one
     */
    public Builder connect(String jdbcUrl, String user, String password) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      PGSimpleDataSource source = new PGSimpleDataSource();
      source.setUrl(jdbcUrl);
      source.setUser(Objects.requireNonNull(user, "user"));
      if (password != null) {
        source.setPassword(password);
      }
      source.setConnectTimeout(10);
      source.setLoginTimeout(10);
      source.setApplicationName("gitops4j-" + ownership.application());
      connected = source;
      int query = jdbcUrl.indexOf('?');
      // The endpoint names the server in logs and circuit breakers; parameters stay out of it.
      return dataSource(source, query < 0 ? jdbcUrl : jdbcUrl.substring(0, query));
    }

    /**
     * Uses connections of your own (a pool, say).
     *
     * @param endpoint names the database in logs and shares a circuit breaker between the
     *     applications on it, e.g. {@code postgresql://db.example.com/app}
     */
    public Builder dataSource(DataSource dataSource, String endpoint) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Where {@code password: {fromEnv: NAME}} looks up passwords (default {@link System#getenv}):
     * returns the value of {@code NAME}, or {@code null} when it is not set.
     */
    public Builder secrets(Function<String, String> secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /** Bound on every statement and lock wait (default 30 seconds). */
    public Builder statementTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("statement timeout must be positive");
      }
      this.statementTimeout = timeout;
      return this;
    }

    /** Clock of the health check that flags expired logins. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Target build() {
      if (dataSource == null) {
        throw new IllegalStateException("a connection is required: call connect or dataSource");
      }
      if (dataSource == connected) {
        // A statement may run for the whole statement timeout; the socket waits a little longer.
        connected.setSocketTimeout((int) statementTimeout.toSeconds() + 30);
      }
      Database database = new Database(dataSource, statementTimeout);
      PostgresRenderer renderer =
          new PostgresRenderer(names -> existingRoles(database, names), secrets);
      DiffOptions diff =
          DiffOptions.custom()
              // Write-only: PostgreSQL never shows a password back, so there is nothing to compare.
              .ignore(IgnoreRule.of("/password").forKind(Role.KIND))
              .arrayKey("/grants", "role")
              .build();
      Ordering ordering =
          (id, body) ->
              switch (id.kind()) {
                case Role.KIND -> renderer.roleDepth(id.name());
                case Schema.KIND -> SCHEMA_WEIGHT;
                default -> 0;
              };
      PostgresApplier applier = new PostgresApplier(database, ownership, secrets);
      return Target.builder(endpoint)
          .renderer(renderer)
          .sessions(
              TargetSession.of(
                  new PostgresLiveState(database, ownership), StructuralDiffer.of(diff), applier))
          .ordering(ordering)
          .inventoryStore(new PostgresInventoryStore(database, ownership))
          .healthCheck(new RoleHealth(clock))
          .unifiedDiff(UnifiedDiff.custom().options(diff).sortKeys(true).build())
          .build();
    }

    private static Set<String> existingRoles(Database database, Collection<String> names)
        throws TargetException {
      try {
        return database.transaction(
            true,
            false,
            connection -> {
              Set<String> found = new HashSet<>();
              try (PreparedStatement query =
                  connection.prepareStatement(
                      "SELECT rolname FROM pg_roles WHERE rolname = ANY (?)")) {
                query.setArray(1, connection.createArrayOf("text", names.toArray(new String[0])));
                try (ResultSet rows = query.executeQuery()) {
                  while (rows.next()) {
                    found.add(rows.getString(1));
                  }
                }
              }
              return found;
            });
      } catch (SQLException e) {
        throw Database.failure("cannot look up roles the manifests refer to", e);
      }
    }
  }
}
