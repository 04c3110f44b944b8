package dev.gitops4j.jdbc;

import static dev.gitops4j.jdbc.Databases.number;
import static dev.gitops4j.jdbc.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.FencedException;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresInventoryStoreIT extends ServerPerClass {

  private static final ResourceId CONFIG = ResourceId.of("ConfigMap", "default", "settings");
  private static final ResourceId NAMESPACE = ResourceId.of("Namespace", null, "shop");
  private static final ResourceId ROLE = ResourceId.of("Role", "db", "reader");

  @Test
  void roundTripsReplacesAndKeepsApplicationsApart() throws Exception {
    PostgresInventoryStore store = PostgresInventoryStore.open(data);
    assertThat(store.load("web")).isEqualTo(Inventory.empty());

    store.save("web", Inventory.of(List.of(CONFIG, NAMESPACE)));
    store.save("web", Inventory.of(List.of(NAMESPACE, ROLE)));
    store.load("api");
    store.save("api", Inventory.of(List.of(CONFIG)));

    PostgresInventoryStore other = PostgresInventoryStore.open(data);
    assertThat(other.load("web")).isEqualTo(Inventory.of(List.of(NAMESPACE, ROLE)));
    assertThat(other.load("web").resources()).extracting(ResourceId::scope).contains((String) null);
    assertThat(other.load("api")).isEqualTo(Inventory.of(List.of(CONFIG)));
    assertThat(number(data, "select version from gitops_inventory where application = 'web'"))
        .isEqualTo(2);
  }

  @Test
  void theWriterThatLostTheRaceGetsAClearErrorAndWritesNothing() throws Exception {
    // Two replicas, each with its own store and so its own connections.
    PostgresInventoryStore first = PostgresInventoryStore.open(data);
    PostgresInventoryStore second = PostgresInventoryStore.open(data);
    first.load("web");
    first.save("web", Inventory.of(List.of(CONFIG)));
    first.load("web");
    second.load("web");

    first.save("web", Inventory.of(List.of(CONFIG, ROLE)));

    assertThatThrownBy(() -> second.save("web", Inventory.of(List.of(NAMESPACE))))
        .isInstanceOf(ConcurrentWriteException.class)
        .hasMessageContaining("inventory of web was changed by another writer")
        .hasMessageContaining("at version 1")
        .hasMessageContaining("nothing was saved");
    assertThat(PostgresInventoryStore.open(data).load("web"))
        .isEqualTo(Inventory.of(List.of(CONFIG, ROLE)));

    // After loading again, the loser's retry goes through.
    assertThat(second.load("web")).isEqualTo(Inventory.of(List.of(CONFIG, ROLE)));
    second.save("web", Inventory.of(List.of(NAMESPACE)));
    assertThat(first.load("web")).isEqualTo(Inventory.of(List.of(NAMESPACE)));
  }

  @Test
  void twoWritersCreatingTheSameInventoryOnlyOneWins() throws Exception {
    PostgresInventoryStore first = PostgresInventoryStore.open(data);
    PostgresInventoryStore second = PostgresInventoryStore.open(data);
    first.load("web");
    second.load("web");

    second.save("web", Inventory.of(List.of(ROLE)));

    assertThatThrownBy(() -> first.save("web", Inventory.of(List.of(CONFIG))))
        .isInstanceOf(ConcurrentWriteException.class)
        .hasMessageContaining("(it was absent)");
    assertThat(first.load("web")).isEqualTo(Inventory.of(List.of(ROLE)));
  }

  @Test
  void anUnreadableRowIsAClearError() throws Exception {
    PostgresInventoryStore store = PostgresInventoryStore.open(data);
    sql(
        data,
        "insert into gitops_inventory (application, version, resources)"
            + " values ('web', 1, '[{\"kind\":\"ConfigMap\"}]')");

    assertThatThrownBy(() -> store.load("web"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gitops_inventory row of web")
        .hasMessageContaining("entry 1 lacks");
  }

  @Test
  void aDeposedHoldersSaveIsRefusedAndChangesNothing() throws Exception {
    PostgresLease a = PostgresLease.create(data, "engine", "replica-a", Duration.ofMillis(300));
    PostgresLease b = PostgresLease.create(data, "engine", "replica-b", Duration.ofMinutes(1));
    assertThat(a.tryAcquire()).isTrue();
    long tokenA = a.token().orElseThrow();
    PostgresInventoryStore storeA = PostgresInventoryStore.open(data, a);
    storeA.load("web");
    storeA.save("web", Inventory.of(List.of(CONFIG)));

    Leases.awaitExpiry(a);
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.token().orElseThrow()).isGreaterThan(tokenA);

    assertThatThrownBy(() -> storeA.save("web", Inventory.of(List.of(CONFIG, ROLE))))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("lease engine was taken over")
        .hasMessageContaining("replica-b");
    assertThat(PostgresInventoryStore.open(data).load("web"))
        .isEqualTo(Inventory.of(List.of(CONFIG)));
    assertThat(number(data, "select version from gitops_inventory")).isEqualTo(1);

    PostgresInventoryStore storeB = PostgresInventoryStore.open(data, b);
    storeB.load("web");
    storeB.save("web", Inventory.of(List.of(ROLE)));
    assertThat(storeA.load("web")).isEqualTo(Inventory.of(List.of(ROLE)));
  }
}
