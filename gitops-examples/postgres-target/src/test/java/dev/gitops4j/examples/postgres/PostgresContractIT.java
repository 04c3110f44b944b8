package dev.gitops4j.examples.postgres;

import dev.gitops4j.engine.Target;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.test.PostgresServer;
import dev.gitops4j.test.TargetContractTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The core target contract against a real PostgreSQL, with roles as samples. */
class PostgresContractIT extends TargetContractTest {

  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected TargetUnderTest newTarget() {
    Target target =
        PostgresTarget.builder("contract")
            .connect(server.jdbcUrl(), PostgresServer.SUPERUSER, PostgresServer.PASSWORD)
            .build();
    return new TargetUnderTest(target, "contract");
  }

  @Override
  protected DesiredResource sample(String name) {
    Role role = new Role(name, true, 5, Instant.parse("2031-05-01T12:00:00Z"), List.of(), null);
    return new DesiredResource(Role.id(name), role.toJson(), Origin.of("roles.yaml", 1), "rev1");
  }

  @Override
  protected DesiredResource modified(DesiredResource resource) {
    Role role = Role.fromJson(resource.body());
    Role changed = new Role(role.name(), false, 7, null, List.of("pg_read_all_data"), null);
    return new DesiredResource(resource.id(), changed.toJson(), resource.origin(), "rev2");
  }
}
