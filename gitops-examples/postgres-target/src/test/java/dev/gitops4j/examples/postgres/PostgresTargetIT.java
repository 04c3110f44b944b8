package dev.gitops4j.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.PostgresServer;
import dev.gitops4j.test.Testbed;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target driven by the engine from a real Git repository into a real PostgreSQL. Each test uses
 * its own application and names, so they share one server.
 */
class PostgresTargetIT {

  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void namesThatNeedQuotingAreHandledSafely(@TempDir Path dir) throws Exception {
    String roles =
        """
        kind: Role
        name: Mixed-Case
        ---
        kind: Role
        name: o"brien'; DROP ROLE postgres; --
        login: true
        memberOf: [Mixed-Case]
        password: {fromEnv: OBRIEN_PASSWORD}
        ---
        kind: Schema
        name: Sales Data
        owner: Mixed-Case
        grants:
          - role: o"brien'; DROP ROLE postgres; --
            privileges: [usage]
        """;
    try (Story story = new Story(dir, "quoting", Map.of("OBRIEN_PASSWORD", "s3cret-'\"-pw"))) {
      story.repo.commit("roles", Map.of("db/roles.yaml", roles));
      PassResult first = story.pass();
      assertThat(first.status()).isEqualTo(PassStatus.SYNCED);
      assertThat(Optional.ofNullable(first.plan()).orElseThrow().summary())
          .isEqualTo("3 to create, 0 to update, 0 to delete");

      assertThat(
              server.column(
                  "SELECT rolname FROM pg_roles WHERE rolname IN"
                      + " ('Mixed-Case', 'o\"brien''; DROP ROLE postgres; --', 'postgres') ORDER BY 1"))
          .containsExactly("Mixed-Case", "o\"brien'; DROP ROLE postgres; --", "postgres");
      assertThat(
              server.column(
                  "SELECT pg_get_userbyid(nspowner) FROM pg_namespace"
                      + " WHERE nspname = 'Sales Data'"))
          .containsExactly("Mixed-Case");
      assertThat(
              server.column(
                  "SELECT has_schema_privilege('o\"brien''; DROP ROLE postgres; --',"
                      + " 'Sales Data', 'USAGE')"))
          .containsExactly("t");
      // The password from the secret lookup works for a real login over TCP (SCRAM).
      try (Connection login =
          DriverManager.getConnection(
              server.jdbcUrl(), "o\"brien'; DROP ROLE postgres; --", "s3cret-'\"-pw")) {
        assertThat(login.isValid(5)).isTrue();
      }
      // Idempotent: no false drift from quoting, case or normalization.
      PassResult second = story.pass();
      assertThat(second.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(second.writes()).isZero();
    }
  }

  @Test
  void badManifestIsRejectedWithFileAndLineAndChangesNothing(@TempDir Path dir) throws Exception {
    try (Story story = new Story(dir, "bad", Map.of())) {
      story.repo.commit(
          "good", Map.of("db/roles.yaml", "kind: Role\nname: bad_keep\nconnectionLimit: 3\n"));
      assertThat(story.pass().status()).isEqualTo(PassStatus.SYNCED);

      story.repo.commit(
          "bad",
          Map.of(
              "db/roles.yaml",
              """
              kind: Role
              name: bad_keep
              connectionLimit: 4
              ---
              kind: Role
              name: pg_sneaky
              ---
              kind: Role
              name: bad_new
              password: hunter2-in-git
              ---
              kind: Schema
              name: bad_schema
              owner: nobody_declared
              grants:
                - role: bad_new
                  privileges: [SELECT]
              """));
      PassResult rejected = story.engine.trigger("bad").get(2, TimeUnit.MINUTES);

      assertThat(rejected.failed()).isTrue();
      assertThat(rejected.error())
          .contains("roles.yaml:6:1: invalid name: 'pg_sneaky' starts with pg_")
          .contains("roles.yaml:10:1: passwords must not be written in Git")
          .contains(
              "roles.yaml:14:1: role 'nobody_declared' is neither declared in Git nor an"
                  + " existing role")
          .contains("roles.yaml:17:18: unknown privilege 'SELECT'")
          .doesNotContain("hunter2");
      assertThat(server.column("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'bad_keep'"))
          .containsExactly("3");
      assertThat(server.column("SELECT rolname FROM pg_roles WHERE rolname = 'bad_new'")).isEmpty();
    }
  }

  @Test
  void handMadeRolesAreNeitherAdoptedWithoutForceNorPruned(@TempDir Path dir) throws Exception {
    server.execute("CREATE ROLE hand_made CONNECTION LIMIT 1", "CREATE ROLE hand_other");
    try (Story story = new Story(dir, "hands", Map.of())) {
      story.repo.commit(
          "declare",
          Map.of(
              "db/roles.yaml",
              "kind: Role\nname: hands_app\n---\nkind: Role\nname: hand_made\nconnectionLimit: 5\n"));
      PassResult refused = story.engine.trigger("hands").get(2, TimeUnit.MINUTES);
      assertThat(refused.failed()).isTrue();
      assertThat(refused.error())
          .contains("Role hand_made exists but is not managed by application hands");
      assertThat(server.column("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'hand_made'"))
          .containsExactly("1");

      story.repo.commit("undeclare", Map.of("db/roles.yaml", "kind: Role\nname: hands_app\n"));
      PassResult after = story.pass();
      assertThat(
              Optional.ofNullable(after.plan())
                  .orElseThrow()
                  .count(dev.gitops4j.model.Step.Action.DELETE))
          .isZero();
      assertThat(
              server.column(
                  "SELECT rolname FROM pg_roles WHERE rolname IN ('hand_made', 'hand_other')"
                      + " ORDER BY 1"))
          .containsExactly("hand_made", "hand_other");
    }
  }

  @Test
  void membershipsOrderCreatesAndAHandRemovedMarkerStopsPrune(@TempDir Path dir) throws Exception {
    try (Story story = new Story(dir, "chain", Map.of())) {
      // Declared child first: the ordering must still create chain_c before chain_b before a.
      story.repo.commit(
          "chain",
          Map.of(
              "db/roles.yaml",
              "kind: Role\nname: chain_a\nmemberOf: [chain_b]\n---\nkind: Role\nname: chain_b\n"
                  + "memberOf: [chain_c]\n---\nkind: Role\nname: chain_c\n"));
      assertThat(story.pass().status()).isEqualTo(PassStatus.SYNCED);

      server.execute("COMMENT ON ROLE chain_a IS 'taken over by the DBA team'");
      story.repo.commit(
          "drop a",
          Map.of(
              "db/roles.yaml",
              "kind: Role\nname: chain_b\nmemberOf: [chain_c]\n---\nkind: Role\nname: chain_c\n"));
      PassResult after = story.pass();
      assertThat(Optional.ofNullable(after.plan()).orElseThrow().kept())
          .anySatisfy(kept -> assertThat(kept.reason()).isEqualTo("not marked as owned"));
      assertThat(server.column("SELECT rolname FROM pg_roles WHERE rolname = 'chain_a'"))
          .containsExactly("chain_a");
    }
  }

  @Test
  void unreachableServerIsRetryable() throws Exception {
    Target target =
        PostgresTarget.builder("offline")
            .connect("jdbc:postgresql://127.0.0.1:" + Testbed.freePort() + "/postgres", "x", "y")
            .build();
    assertThatThrownBy(
            () ->
                target
                    .sessions()
                    .open(new PassContext("offline", "r", Inventory.empty()))
                    .observe(
                        DesiredState.of("r", List.of()), Inventory.of(List.of(Role.id("any")))))
        .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("cannot read roles and schemas");
  }

  @Test
  void inventoryWritesAreOptimistic() throws Exception {
    Target first = target("shared", Map.of());
    Target second = target("shared", Map.of());
    first.inventoryStore().load("shared");
    second.inventoryStore().load("shared");
    first.inventoryStore().save("shared", Inventory.of(List.of(Role.id("one"))));

    assertThatThrownBy(
            () -> second.inventoryStore().save("shared", Inventory.of(List.of(Role.id("two")))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("changed by another process");
    assertThat(second.inventoryStore().load("shared").resources()).containsExactly(Role.id("one"));
    assertThatThrownBy(() -> first.inventoryStore().load("other"))
        .hasMessageContaining("built for application shared, not other");
  }

  private static Target target(String application, Map<String, String> secrets) {
    return PostgresTarget.builder(application)
        .connect(server.jdbcUrl(), PostgresServer.SUPERUSER, PostgresServer.PASSWORD)
        .secrets(secrets::get)
        .build();
  }

  /** A Git repository, an engine and one automatic application over the shared server. */
  private static final class Story implements AutoCloseable {
    final GitRepoFixture repo;
    final Engine engine;
    final String application;

    Story(Path dir, String application, Map<String, String> secrets) {
      this.application = application;
      this.repo = GitRepoFixture.create(dir.resolve("repo"));
      GitSource source =
          GitSource.builder(repo.uri())
              .ref(GitRef.branch("main"))
              .path("db")
              .cacheDir(dir.resolve("cache"))
              .build();
      this.engine =
          Engine.builder()
              .application(
                  Application.builder(application)
                      .source(source)
                      .target(target(application, secrets))
                      .policy(SyncPolicy.automatic())
                      .build())
              .build();
    }

    PassResult pass() throws Exception {
      PassResult result = engine.trigger(application).get(2, TimeUnit.MINUTES);
      assertThat(result.failed()).as("pass failed: %s", result.error()).isFalse();
      return result;
    }

    @Override
    public void close() {
      engine.close();
      repo.close();
    }
  }
}
