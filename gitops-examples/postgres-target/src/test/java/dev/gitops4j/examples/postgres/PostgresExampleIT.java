package dev.gitops4j.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example's story against a real PostgreSQL, as a user would with exec:java. */
class PostgresExampleIT {

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
  void tellsTheWholeStory(@TempDir Path work) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    new PostgresExample(
            server.jdbcUrl(),
            PostgresServer.SUPERUSER,
            PostgresServer.PASSWORD,
            work,
            new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run();
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .contains("5 to create, 0 to update, 0 to delete")
        .contains("roles now: [Report-Writers, demo_app, demo_owner, demo_readers]")
        .contains("drift: modified Role demo_app [replace /connectionLimit]")
        .contains("healed: demo_app has a connection limit of 10 again")
        .contains("update Schema demo -> applied")
        .contains("delete Role Report-Writers -> applied")
        .contains("roles.yaml:11:1: unknown field 'conectionLimit' in Role")
        .contains("fixed in the next commit: in_sync")
        .contains("0 to create, 0 to update, 4 to delete");
    assertThat(server.column("SELECT rolname FROM pg_roles WHERE rolname LIKE 'demo%'")).isEmpty();
    assertThat(server.column("SELECT nspname FROM pg_namespace WHERE nspname = 'demo'")).isEmpty();
  }
}
