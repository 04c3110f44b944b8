package dev.gitops4j.jdbc;

import dev.gitops4j.test.PostgresServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One real PostgreSQL server per test class, and an empty database for each test. */
abstract class ServerPerClass {

  static PostgresServer server;

  /** The test's own database. */
  DataSource data;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshDatabase() throws SQLException {
    data = Databases.fresh(server);
  }
}
