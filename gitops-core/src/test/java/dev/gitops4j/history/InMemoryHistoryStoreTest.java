package dev.gitops4j.history;

import static dev.gitops4j.history.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.history.HistoryStore.Verification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryHistoryStoreTest {

  @Test
  void listsNewestFirstAndVerifies() {
    InMemoryHistoryStore store = new InMemoryHistoryStore();
    assertThat(store.verify()).isEqualTo(Verification.ok(0));
    assertThat(store.head()).isEqualTo("0".repeat(64));
    for (int i = 1; i <= 4; i++) {
      store.append(record("web", i));
      store.append(record("db", i));
    }
    assertThat(store.list("web", 2)).containsExactly(record("web", 4), record("web", 3));
    assertThat(store.verify()).isEqualTo(Verification.ok(8));
  }

  @Test
  void producesTheSameChainAsTheFileStore(@TempDir Path dir) throws Exception {
    InMemoryHistoryStore memory = new InMemoryHistoryStore();
    Path file = dir.resolve("h.jsonl");
    try (JsonLinesHistoryStore onDisk = JsonLinesHistoryStore.open(file)) {
      for (int i = 1; i <= 3; i++) {
        memory.append(record("web", i));
        onDisk.append(record("web", i));
      }
      assertThat(memory.head()).isEqualTo(onDisk.head());
    }
    assertThat(memory.lines()).isEqualTo(Files.readAllLines(file, StandardCharsets.UTF_8));
  }
}
