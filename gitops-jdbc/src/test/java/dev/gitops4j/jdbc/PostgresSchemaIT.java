package dev.gitops4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PostgresSchemaIT extends ServerPerClass {

  @Test
  void migratesAnEmptyDatabaseOnceAndThenDoesNothing() throws Exception {
    assertThat(PostgresSchema.currentVersion(data)).isZero();

    assertThat(PostgresSchema.migrate(data)).isEqualTo(PostgresSchema.latestVersion());
    assertThat(PostgresSchema.migrate(data)).isEqualTo(PostgresSchema.latestVersion());

    assertThat(PostgresSchema.currentVersion(data)).isEqualTo(4);
    assertThat(Databases.number(data, "select count(*) from gitops_schema_version")).isEqualTo(4);
    assertThat(
            Databases.number(
                data,
                "select count(*) from information_schema.tables where table_name in"
                    + " ('gitops_history', 'gitops_history_head', 'gitops_history_import',"
                    + " 'gitops_inventory', 'gitops_lease')"))
        .isEqualTo(5);
  }

  @Test
  void replicasStartingTogetherApplyEachMigrationOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> replicas = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        replicas.add(() -> PostgresSchema.migrate(data));
      }
      for (Future<Integer> version : pool.invokeAll(replicas)) {
        assertThat(version.get()).isEqualTo(PostgresSchema.latestVersion());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            Databases.number(
                data, "select count(*) from gitops_schema_version where version between 1 and 4"))
        .isEqualTo(4);
  }

  @Test
  void refusesADatabaseWithANewerSchemaAndChangesNothing() throws Exception {
    PostgresSchema.migrate(data);
    Databases.sql(
        data, "insert into gitops_schema_version (version, description) values (99, 'future')");

    assertThatThrownBy(() -> PostgresSchema.migrate(data))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("upgrade gitops-jdbc");
    assertThatThrownBy(() -> PostgresHistoryStore.open(data)).isInstanceOf(IOException.class);
    assertThat(PostgresSchema.currentVersion(data)).isEqualTo(99);
  }

  @Test
  void aFailedMigrationLeavesNoTableBehind() throws Exception {
    // A table in the way of migration 2: migration 1 must roll back with it.
    Databases.sql(data, "create table gitops_inventory (x int)");

    assertThatThrownBy(() -> PostgresSchema.migrate(data))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gitops_inventory");

    assertThat(PostgresSchema.currentVersion(data)).isZero();
    assertThat(
            Databases.number(
                data, "select count(*) from pg_tables where tablename = 'gitops_history'"))
        .isZero();
  }
}
