package dev.gitops4j.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryStoreTest {

  private static final Inventory SAMPLE =
      Inventory.of(
          List.of(
              ResourceId.of("Namespace", "shop"),
              ResourceId.of("apps/Deployment", "shop", "web"),
              ResourceId.of("file", "host-1", "/etc/app/config.yaml")));

  @Test
  void directoryStoreRoundTripsAndSurvivesANewInstance(@TempDir Path dir) throws Exception {
    InventoryStore.inDirectory(dir).save("shop", SAMPLE);

    Inventory loaded = InventoryStore.inDirectory(dir).load("shop");

    assertThat(loaded).isEqualTo(SAMPLE);
    assertThat(InventoryStore.inDirectory(dir).load("other").isEmpty()).isTrue();
  }

  @Test
  void directoryStoreReplacesAtomicallyAndLeavesNoTemporaryFiles(@TempDir Path dir)
      throws Exception {
    InventoryStore store = InventoryStore.inDirectory(dir);
    store.save("shop", SAMPLE);
    store.save("shop", SAMPLE.minus(List.of(ResourceId.of("Namespace", "shop"))));

    assertThat(store.load("shop").resources()).hasSize(2);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("shop.inventory.json");
    }
  }

  @Test
  void applicationNamesCannotEscapeTheDirectory(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("store");
    InventoryStore.inDirectory(store).save("../escape/evil", SAMPLE);

    assertThat(Files.exists(dir.resolve("escape"))).isFalse();
    assertThat(InventoryStore.inDirectory(store).load("../escape/evil")).isEqualTo(SAMPLE);
  }

  @Test
  void memoryStoreKeepsInventoriesPerApplication() throws Exception {
    InventoryStore store = InventoryStore.inMemory();
    store.save("a", SAMPLE);
    assertThat(store.load("a")).isEqualTo(SAMPLE);
    assertThat(store.load("b").isEmpty()).isTrue();
  }
}
