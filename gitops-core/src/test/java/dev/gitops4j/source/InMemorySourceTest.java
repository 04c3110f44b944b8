package dev.gitops4j.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.source.SourceException.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySourceTest {

  @Test
  void commitsBecomeRevisions() throws Exception {
    InMemorySource source = InMemorySource.create();
    assertThatThrownBy(source::resolve)
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);

    String first = source.commit(Map.of("a.yaml", "a: 1"));
    assertThat(source.resolve()).isEqualTo(first);
    String second = source.commit(Map.of("a.yaml", "a: 2", "b.yaml", "b"), "second");
    assertThat(second).isNotEqualTo(first);
    assertThat(source.resolve()).isEqualTo(second);

    Snapshot latest = source.fetch();
    assertThat(latest.files()).extracting(SourceFile::path).containsExactly("a.yaml", "b.yaml");
    assertThat(latest.commit().subject()).isEqualTo("second");
    assertThat(source.read(first).file("a.yaml").orElseThrow().content())
        .isEqualTo("a: 1".getBytes());
  }

  @Test
  void sameFilesCommittedTwiceGiveANewRevision() {
    InMemorySource source = InMemorySource.create();
    assertThat(source.commit(Map.of("a", "1"))).isNotEqualTo(source.commit(Map.of("a", "1")));
  }

  @Test
  void unknownRevisionIsNotFound() {
    InMemorySource source = InMemorySource.create();
    source.commit(Map.of("a", "1"));
    assertThatThrownBy(() -> source.read("nope"))
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void failureCanBeInjectedAndCleared() throws Exception {
    InMemorySource source = InMemorySource.create();
    String id = source.commit(Map.of("a", "1"));
    SourceException down = new SourceException(Reason.UNREACHABLE, "down");
    source.failWith(down);
    assertThatThrownBy(source::resolve).isSameAs(down);
    assertThatThrownBy(() -> source.read(id)).isSameAs(down);
    source.recover();
    assertThat(source.fetch().revision()).isEqualTo(id);
  }
}
