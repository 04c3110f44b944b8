package dev.gitops4j.jdbc;

import static dev.gitops4j.jdbc.Databases.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.gitops4j.history.HistoryStore.Verification;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes down hard while an append is in flight: the append fails, nothing of it is
 * stored, and once the server is back the same pooled stores carry on with an intact chain.
 */
class DatabaseRestartIT extends ServerPerClass {

  private static final ResourceId ROLE = ResourceId.of("Role", "db", "reader");

  @Test
  void anAppendInFlightWhenTheServerDiesFailsCleanlyAndTheStoresCarryOn() throws Exception {
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (HikariDataSource pool = Databases.pooled(Databases.url(data), 2)) {
      PostgresHistoryStore history = PostgresHistoryStore.open(pool);
      PostgresInventoryStore inventory = PostgresInventoryStore.open(pool);
      for (int i = 1; i <= 3; i++) {
        history.append(record("web", i));
      }
      inventory.load("web");
      inventory.save("web", Inventory.of(List.of(ROLE)));

      Future<?> inFlight;
      try (Connection other = data.getConnection();
          Statement lock = other.createStatement()) {
        // Another replica holds web's head, so this append is inside its transaction, waiting.
        other.setAutoCommit(false);
        lock.execute("select * from gitops_history_head where application = 'web' for update");
        inFlight =
            writer.submit(
                () -> {
                  history.append(record("web", 4));
                  return null;
                });
        Thread.sleep(500);
        assertThat(inFlight).isNotDone();

        server.restart();
      }

      assertThatThrownBy(() -> inFlight.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class)
          .hasMessageContaining("cannot append to the history of web");
      assertThat(history.verify()).isEqualTo(Verification.ok(3));
      assertThat(history.list("web", 10))
          .extracting(r -> r.revision())
          .containsExactly("rev-3", "rev-2", "rev-1");

      history.append(record("web", 5));
      assertThat(history.verify()).isEqualTo(Verification.ok(4));
      assertThat(inventory.load("web")).isEqualTo(Inventory.of(List.of(ROLE)));
      inventory.save("web", Inventory.empty());
      assertThat(inventory.load("web")).isEqualTo(Inventory.empty());
    } finally {
      writer.shutdownNow();
    }
  }
}
