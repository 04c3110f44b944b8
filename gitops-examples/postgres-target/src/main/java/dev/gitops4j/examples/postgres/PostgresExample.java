package dev.gitops4j.examples.postgres;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.Step;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * A short story of the PostgreSQL target against a database of yours: roles and a schema created
 * from a local Git repository, a hand edit detected then healed, a grant changed, a role pruned
 * while a hand-made role is left alone, a bad commit rejected with its file and line, and finally
 * everything removed again. Every object it creates starts with {@code demo} or is the role {@code
 * Report-Writers}.
 *
 * <pre>
 * mvn -pl gitops-examples/postgres-target exec:java \
 *   -Dexec.args="--jdbc-url jdbc:postgresql://localhost:5432/postgres --user postgres"
 * </pre>
 *
 * The password of {@code --user} is read from the environment variable {@code PGPASSWORD} (another
 * one with {@code --password-env}); the demo role's password from {@code DEMO_APP_PASSWORD}, or a
 * random one when it is not set.
 */
public final class PostgresExample {

  static final String APP = "postgres-example";
  private static final String ROLES = "db/roles.yaml";
  private static final String SCHEMAS = "db/schemas.yaml";

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Path work;
  private final PrintStream out;

  public PostgresExample(String jdbcUrl, String user, String password, Path work, PrintStream out) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.work = work;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    String url = null;
    String user = null;
    String passwordEnv = "PGPASSWORD";
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--jdbc-url" -> url = value;
        case "--user" -> user = value;
        case "--password-env" -> passwordEnv = value;
        default -> {
          System.err.println("unknown argument " + args[i]);
          usage();
          return;
        }
      }
      i++;
    }
    if (url == null || user == null) {
      usage();
      return;
    }
    Path work = Files.createTempDirectory("gitops4j-postgres-");
    new PostgresExample(url, user, System.getenv(passwordEnv), work, System.out).run();
  }

  private static void usage() {
    System.err.println(
        "usage: PostgresExample --jdbc-url jdbc:postgresql://HOST:PORT/DB --user USER"
            + " [--password-env VARIABLE (default PGPASSWORD)]");
    System.exit(2);
  }

  /** Runs the story; throws when any step does not do what it announces. */
  public void run() throws Exception {
    out.println("gitops4j PostgreSQL example — database " + jdbcUrl + ", working in " + work);
    String demoPassword = System.getenv("DEMO_APP_PASSWORD");
    String generated = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    Map<String, String> secrets =
        Map.of("DEMO_APP_PASSWORD", demoPassword != null ? demoPassword : generated);
    Target target =
        PostgresTarget.builder(APP).connect(jdbcUrl, user, password).secrets(secrets::get).build();

    try (Git git =
            Git.init().setDirectory(work.resolve("repo").toFile()).setInitialBranch("main").call();
        Engine engine = Engine.builder().build()) {
      GitSource source =
          GitSource.builder(work.resolve("repo").toUri().toString())
              .ref(GitRef.branch("main"))
              .path("db")
              .cacheDir(work.resolve("cache"))
              .build();
      String roles = bundled("roles.yaml");
      String schemas = bundled("schemas.yaml");
      use(engine, source, target, SyncPolicy.automatic());

      section("1. First commit: roles before the schema that needs them");
      commit(
          git,
          "Roles and schema of the demo app",
          Map.of(ROLES, roles, SCHEMAS, schemas, "db/README.md", "Roles and schemas of demo.\n"));
      PassResult first = pass(engine);
      printPlan(first);
      expect(first.status() == PassStatus.SYNCED, "the first pass creates everything");
      out.println("  roles now: " + query("SELECT rolname FROM pg_roles WHERE " + DEMO_ROLES));

      section("2. A hand edit: detected (detect-only), then healed (self-heal)");
      sql("ALTER ROLE demo_app CONNECTION LIMIT 99");
      out.println("  someone ran ALTER ROLE demo_app CONNECTION LIMIT 99");
      use(engine, source, target, SyncPolicy.detectOnly());
      PassResult detected = pass(engine);
      expect(detected.status() == PassStatus.OUT_OF_SYNC, "detect-only reports the drift");
      for (Drift drift : detected.drift().outOfSync()) {
        out.println(
            "  drift: "
                + drift.status().name().toLowerCase(Locale.ROOT)
                + " "
                + drift.id()
                + " "
                + drift.changes());
      }
      use(engine, source, target, SyncPolicy.automatic());
      printPlan(pass(engine));
      expect(
          query("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'demo_app'")
              .equals(List.of("10")),
          "the connection limit is 10 again");
      out.println("  healed: demo_app has a connection limit of 10 again");

      section("3. A grant changed in Git");
      String moreGrants = schemas + "  - role: demo_app\n    privileges: [USAGE, CREATE]\n";
      commit(git, "demo_app may create tables in demo", Map.of(SCHEMAS, moreGrants));
      printPlan(pass(engine));
      expect(
          query("SELECT has_schema_privilege('demo_app', 'demo', 'CREATE')").equals(List.of("t")),
          "demo_app holds CREATE on demo");
      out.println("  demo_app may now create tables in schema demo");

      section("4. A role removed from Git is pruned; a hand-made role is left alone");
      sql("CREATE ROLE demo_dba");
      out.println("  someone created role demo_dba by hand");
      String withoutWriters =
          roles.substring(0, roles.indexOf("---\nkind: Role\nname: Report-Writers"))
              + roles.substring(roles.indexOf("---\nkind: Role\nname: demo_app"));
      String schemasWithoutWriters =
          moreGrants.replace("  - role: Report-Writers\n    privileges: [USAGE, CREATE]\n", "");
      commit(
          git,
          "Report-Writers is gone",
          Map.of(ROLES, withoutWriters, SCHEMAS, schemasWithoutWriters));
      PassResult pruned = pass(engine);
      printPlan(pruned);
      expect(
          Optional.ofNullable(pruned.plan()).orElseThrow().count(Step.Action.DELETE) == 1,
          "one role is pruned");
      expect(
          query("SELECT rolname FROM pg_roles WHERE rolname IN ('Report-Writers', 'demo_dba')")
              .equals(List.of("demo_dba")),
          "Report-Writers is dropped, demo_dba stays");
      out.println("  Report-Writers dropped; demo_dba, not created by gitops4j, untouched");

      section("5. A bad commit: rejected with file and line, nothing changed");
      String typo = withoutWriters.replace("connectionLimit: 10", "conectionLimit: 5");
      commit(git, "A typo", Map.of(ROLES, typo));
      PassResult rejected = engine.trigger(APP).get(2, TimeUnit.MINUTES);
      expect(rejected.failed(), "the revision is rejected");
      out.println("  " + rejected.error());
      expect(
          query("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'demo_app'")
              .equals(List.of("10")),
          "nothing of the bad revision is applied");
      commit(git, "Fix the typo", Map.of(ROLES, withoutWriters));
      PassResult fixed = pass(engine);
      expect(fixed.status() == PassStatus.IN_SYNC, "after the fix everything is in sync");
      out.println("  fixed in the next commit: " + fixed.status().name().toLowerCase(Locale.ROOT));

      section("6. Clean up: the files removed, everything the example created is dropped");
      commit(git, "Remove the demo app", mapOfNulls(ROLES, SCHEMAS));
      use(engine, source, target, SyncPolicy.custom().allowEmptyPrune(true).build());
      printPlan(pass(engine));
      sql("DROP ROLE demo_dba");
      expect(
          query("SELECT rolname FROM pg_roles WHERE " + DEMO_ROLES).isEmpty(),
          "no demo role is left");
      out.println(
          "  removing everything needs allowEmptyPrune: an empty revision prunes nothing by default");
    }
  }

  private static final String DEMO_ROLES =
      "rolname LIKE 'demo%' OR rolname = 'Report-Writers' ORDER BY 1";

  private static void use(Engine engine, GitSource source, Target target, SyncPolicy policy) {
    if (engine.applications().contains(APP)) {
      engine.unregister(APP);
    }
    engine.register(Application.builder(APP).source(source).target(target).policy(policy).build());
  }

  private static PassResult pass(Engine engine) throws Exception {
    PassResult result = engine.trigger(APP).get(2, TimeUnit.MINUTES);
    if (result.failed()) {
      throw new IllegalStateException("pass failed: " + result.error());
    }
    return result;
  }

  private void printPlan(PassResult result) {
    out.println(
        "  revision "
            + result.revision().substring(0, Math.min(10, result.revision().length()))
            + ": "
            + Optional.ofNullable(result.plan())
                .map(p -> p.summary())
                .orElse(result.status().name()));
    result
        .results()
        .forEach(
            r ->
                out.println(
                    "    "
                        + r.step()
                        + " -> "
                        + r.outcome().name().toLowerCase(Locale.ROOT)
                        + (r.message().isEmpty() ? "" : " (" + r.message() + ")")));
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** A change made by hand, outside Git. */
  private void sql(String statement) throws SQLException {
    try (Connection connection = connect();
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }

  private List<String> query(String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = connect();
        PreparedStatement sql = connection.prepareStatement(query);
        ResultSet rows = sql.executeQuery()) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private void commit(Git git, String message, Map<String, String> files)
      throws IOException, GitAPIException {
    Path tree = git.getRepository().getWorkTree().toPath();
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = tree.resolve(file.getKey());
      if (file.getValue() == null) {
        Files.deleteIfExists(path);
      } else {
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      }
    }
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    git.commit().setMessage(message).setAllowEmpty(true).setSign(false).call();
    out.println("  commit: " + message);
  }

  private static Map<String, String> mapOfNulls(String... paths) {
    Map<String, String> map = new java.util.HashMap<>();
    for (String path : paths) {
      map.put(path, null);
    }
    return map;
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("example step did not hold: " + what);
    }
  }

  private static String bundled(String file) {
    try (InputStream in = PostgresExample.class.getResourceAsStream("/postgres-example/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
