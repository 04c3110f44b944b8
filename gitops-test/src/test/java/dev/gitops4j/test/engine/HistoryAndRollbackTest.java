package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.*;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.test.GitOpsExtension;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Rollback, unpin and the audit trail against a real Git repository. */
@ExtendWith(GitOpsExtension.class)
class HistoryAndRollbackTest {

  private static final ResourceId A = Harness.cm("a");
  private static final ResourceId B = Harness.cm("b");

  @Test
  void rollbackPinsAnEarlierRevisionAndUnpinFollowsTheBranchAgain(
      GitRepoFixture repo, InMemoryTarget target, @TempDir Path dir) throws Exception {
    JsonLinesHistoryStore history = JsonLinesHistoryStore.open(dir.resolve("history.jsonl"));
    GitSource source =
        GitSource.builder(repo.uri())
            .ref(GitRef.branch("main"))
            .cacheDir(dir.resolve("cache"))
            .build();
    try (Engine engine =
        Engine.builder()
            .history(history)
            .application(Application.builder("shop").source(source).target(target.target()).build())
            .build()) {
      String v1 = repo.commit("first", Harness.files("a", "1"));
      assertThat(engine.trigger("shop").get(60, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      String v2 = repo.commit("second", Harness.files("a", "2", "b", "1"));
      assertThat(engine.trigger("shop").get(60, TimeUnit.SECONDS).revision()).isEqualTo(v2);
      assertThat(target.ids()).containsExactlyInAnyOrder(A, B);

      PassResult rolledBack = engine.rollback("shop", v1).get(60, TimeUnit.SECONDS);

      assertThat(rolledBack.trigger()).isEqualTo(Trigger.ROLLBACK);
      assertThat(rolledBack.revision()).isEqualTo(v1);
      assertThat(target.ids()).containsExactly(A);
      assertThat(target.get(A).orElseThrow().at("/data/value").asText()).isEqualTo("1");
      assertThat(engine.pinnedRevision("shop")).contains(v1);

      // New commits are not followed while pinned.
      repo.delete("drop b", "b.yaml");
      String v3 = repo.commit("third", Harness.files("a", "3"));
      assertThat(engine.trigger("shop").get(60, TimeUnit.SECONDS).revision()).isEqualTo(v1);

      PassResult unpinned = engine.unpin("shop").get(60, TimeUnit.SECONDS);
      assertThat(unpinned.revision()).isEqualTo(v3);
      assertThat(target.get(A).orElseThrow().at("/data/value").asText()).isEqualTo("3");
      assertThat(engine.pinnedRevision("shop")).isEmpty();

      assertThatThrownBy(() -> engine.rollback("shop", "0123456789012345678901234567890123456789"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not in the history");
    }

    List<HistoryRecord> records = history.list("shop", 10);
    assertThat(records)
        .extracting(HistoryRecord::trigger, HistoryRecord::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Trigger.ROLLBACK, "SYNCED"),
            org.assertj.core.groups.Tuple.tuple(Trigger.ROLLBACK, "UNPINNED"),
            org.assertj.core.groups.Tuple.tuple(Trigger.ROLLBACK, "SYNCED"),
            org.assertj.core.groups.Tuple.tuple(Trigger.ROLLBACK, "PINNED"),
            org.assertj.core.groups.Tuple.tuple(Trigger.MANUAL, "SYNCED"),
            org.assertj.core.groups.Tuple.tuple(Trigger.MANUAL, "SYNCED"));
    HistoryRecord newest = records.get(0);
    assertThat(newest.author()).isEqualTo("Test Author <author@example.test>");
    assertThat(newest.committer()).isEqualTo("Test Author <author@example.test>");
    assertThat(newest.status()).isEqualTo("SYNCED");
    assertThat(newest.planSummary()).isEqualTo("0 to create, 1 to update, 0 to delete");
    assertThat(newest.changes())
        .singleElement()
        .satisfies(c -> assertThat(c.outcome()).isEqualTo("APPLIED"));
    assertThat(newest.diff()).contains("+++ desired/ConfigMap shop/a").contains("+  value: \"3\"");
    assertThat(history.verify().intact()).isTrue();
  }

  @Test
  void aPinSurvivesARestartUntilUnpinned(
      GitRepoFixture repo, InMemoryTarget target, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.jsonl");
    StateStore state = StateStore.inDirectory(dir.resolve("state"));
    GitSource source =
        GitSource.builder(repo.uri())
            .ref(GitRef.branch("main"))
            .cacheDir(dir.resolve("cache"))
            .build();
    Application shop = Application.builder("shop").source(source).target(target.target()).build();
    String v1 = repo.commit("first", Harness.files("a", "1"));
    try (JsonLinesHistoryStore history = JsonLinesHistoryStore.open(file);
        Engine engine = Engine.builder().history(history).state(state).application(shop).build()) {
      engine.trigger("shop").get(60, TimeUnit.SECONDS);
      repo.commit("second", Harness.files("a", "2"));
      engine.trigger("shop").get(60, TimeUnit.SECONDS);
      engine.rollback("shop", v1).get(60, TimeUnit.SECONDS);
    }
    String v3 = repo.commit("third", Harness.files("a", "3"));

    // A new process: same history file, same application; the ref moved meanwhile.
    try (JsonLinesHistoryStore history = JsonLinesHistoryStore.open(file);
        Engine engine = Engine.builder().history(history).state(state).application(shop).build()) {
      assertThat(engine.pinnedRevision("shop")).contains(v1);
      PassResult afterRestart = engine.trigger("shop").get(60, TimeUnit.SECONDS);
      assertThat(afterRestart.revision()).isEqualTo(v1);
      assertThat(target.get(A).orElseThrow().at("/data/value").asText()).isEqualTo("1");
      engine.unpin("shop").get(60, TimeUnit.SECONDS);
    }

    try (JsonLinesHistoryStore history = JsonLinesHistoryStore.open(file);
        Engine engine = Engine.builder().history(history).state(state).application(shop).build()) {
      assertThat(engine.pinnedRevision("shop")).isEmpty();
      assertThat(engine.trigger("shop").get(60, TimeUnit.SECONDS).revision()).isEqualTo(v3);
      assertThat(history.verify().intact()).isTrue();
    }
  }
}
