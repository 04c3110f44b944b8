package dev.gitops4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

  @TempDir Path dir;

  @Test
  void valuesArePutReadAndRemovedPerApplication() throws Exception {
    for (StateStore store : List.of(StateStore.inMemory(), StateStore.inDirectory(dir))) {
      assertThat(store.read("shop")).isEmpty();
      store.put("shop", "pin", "abc");
      store.put("shop", "suspended", "true");
      store.put("billing", "pin", "def");
      store.put("shop", "pin", "abd");
      assertThat(store.read("shop"))
          .containsExactlyInAnyOrderEntriesOf(Map.of("pin", "abd", "suspended", "true"));
      store.remove("shop", "suspended");
      store.remove("shop", "never-set");
      assertThat(store.read("shop")).containsExactlyEntriesOf(Map.of("pin", "abd"));
      assertThat(store.read("billing")).containsExactlyEntriesOf(Map.of("pin", "def"));
    }
  }

  @Test
  void aDirectoryStoreIsReadBackByANewInstance() throws Exception {
    StateStore.inDirectory(dir).put("shop/eu", "approval", "plan-1");
    assertThat(StateStore.inDirectory(dir).read("shop/eu"))
        .containsExactlyEntriesOf(Map.of("approval", "plan-1"));
    // Names become file names that cannot escape the folder or collide.
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("shop%2Feu.state.json");
    }
  }

  @Test
  void concurrentWritersThroughSeveralStoresLoseNoKey() throws Exception {
    List<StateStore> stores =
        List.of(StateStore.inDirectory(dir), StateStore.inDirectory(dir.resolve(".")));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        StateStore store = stores.get(i % 2);
        String key = "k" + i;
        writes.add(
            pool.submit(
                () -> {
                  store.put("shop", key, "v");
                  return null;
                }));
      }
      for (Future<?> write : writes) {
        write.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(StateStore.inDirectory(dir).read("shop")).hasSize(200);
  }

  @Test
  void aCorruptFileIsNamedAndNotOverwritten() throws Exception {
    Path file = dir.resolve("shop.state.json");
    Files.writeString(file, "{not json", StandardCharsets.UTF_8);
    StateStore store = StateStore.inDirectory(dir);
    assertThatThrownBy(() -> store.read("shop"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a state file");
    assertThatThrownBy(() -> store.put("shop", "pin", "abc")).isInstanceOf(IOException.class);
    assertThat(Files.readString(file)).isEqualTo("{not json");
  }
}
