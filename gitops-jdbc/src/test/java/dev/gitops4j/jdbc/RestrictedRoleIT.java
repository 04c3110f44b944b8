package dev.gitops4j.jdbc;

import static dev.gitops4j.jdbc.Databases.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.history.HistoryStore.Verification;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The grants docs/operations.md gives the service's role are enough to run, and keep the service
 * from rewriting its own history.
 */
class RestrictedRoleIT extends ServerPerClass {

  private static final String GRANTS =
      """
      grant select, insert on gitops_history to gitops_service;
      grant usage on sequence gitops_history_id_seq, gitops_lease_token to gitops_service;
      grant select, insert, update on gitops_history_head, gitops_inventory, gitops_lease to gitops_service;
      grant select on gitops_history_import, gitops_schema_version to gitops_service;
      grant select, insert, update, delete on gitops_state to gitops_service;
      """;

  @Test
  void theDocumentedGrantsRunTheServiceAndForbidRewritingHistory() throws Exception {
    DataSource owner = data;
    PostgresSchema.migrate(owner); // at deploy time, by the owner
    Databases.sql(
        owner,
        "create role gitops_service login password 'service-secret'",
        "revoke create on schema public from public");
    for (String grant : GRANTS.strip().split(";\n?")) {
      Databases.sql(owner, grant);
    }
    PGSimpleDataSource service = new PGSimpleDataSource();
    service.setUrl(Databases.url(owner));
    service.setUser("gitops_service");
    service.setPassword("service-secret");

    PostgresLease lease = PostgresLease.create(service, "engine", "a", Duration.ofMinutes(1));
    assertThat(lease.tryAcquire()).isTrue();
    PostgresHistoryStore history = PostgresHistoryStore.open(service, lease);
    PostgresInventoryStore inventory = PostgresInventoryStore.open(service, lease);
    history.append(record("web", 1));
    history.append(record("web", 2));
    inventory.load("web");
    inventory.save("web", Inventory.of(List.of(ResourceId.of("Role", "db", "reader"))));
    assertThat(history.verify()).isEqualTo(Verification.ok(2));
    lease.renew();
    lease.release();

    assertThatThrownBy(() -> run(service, "update gitops_history set line = 'x'"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> run(service, "delete from gitops_history"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> run(service, "create table gitops_other (x int)"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied");
  }

  private static void run(DataSource data, String statement) throws SQLException {
    try (Connection c = data.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
