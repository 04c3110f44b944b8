package dev.gitops4j.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.source.SourceException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {

  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("deploy"));
    Files.writeString(root.resolve("app.yaml"), "a: 1");
    Files.createDirectories(root.resolve("nested"));
    Files.writeString(root.resolve("nested/b.yaml"), "b: 2");
  }

  @Test
  void readsFilesWithContentHashRevision() throws Exception {
    DirectorySource source = DirectorySource.of(root);
    String revision = source.resolve();
    assertThat(revision).matches("[0-9a-f]{64}");
    Snapshot snapshot = source.read(revision);
    assertThat(snapshot.revision()).isEqualTo(revision);
    assertThat(snapshot.commit()).isNull();
    assertThat(snapshot.files())
        .extracting(SourceFile::path)
        .containsExactly("app.yaml", "nested/b.yaml");
    assertThat(source.describe()).contains(root.toString());
  }

  @Test
  void revisionChangesExactlyWhenContentChanges() throws Exception {
    DirectorySource source = DirectorySource.of(root);
    String first = source.resolve();
    assertThat(source.resolve()).isEqualTo(first);
    Files.writeString(root.resolve("app.yaml"), "a: 2");
    String second = source.resolve();
    assertThat(second).isNotEqualTo(first);
    // Renaming changes the revision even with equal content.
    Files.move(root.resolve("app.yaml"), root.resolve("app2.yaml"));
    assertThat(source.resolve()).isNotEqualTo(second);
    // The old revision is gone.
    assertThatThrownBy(() -> source.read(first))
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void gitDirectoryIsSkipped() throws Exception {
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "x");
    DirectorySource source = DirectorySource.of(root);
    assertThat(source.fetch().files()).extracting(SourceFile::path).doesNotContain(".git/config");
  }

  @Test
  void limitsApply() throws Exception {
    Files.writeString(root.resolve("big.bin"), "x".repeat(100));
    assertThatThrownBy(
            DirectorySource.of(root, SourceLimits.custom().maxFileSize(50).build())::resolve)
        .hasMessageContaining("big.bin")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
    assertThatThrownBy(
            DirectorySource.of(root, SourceLimits.custom().maxFileCount(2).build())::resolve)
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
    Files.createDirectories(root.resolve("a/b/c"));
    Files.writeString(root.resolve("a/b/c/deep.yaml"), "d");
    assertThatThrownBy(DirectorySource.of(root, SourceLimits.custom().maxDepth(2).build())::resolve)
        .hasMessageContaining("a/b/c")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void symlinkInsideIsFollowed() throws Exception {
    Files.createSymbolicLink(root.resolve("alias.yaml"), Path.of("nested/b.yaml"));
    Snapshot snapshot = DirectorySource.of(root).fetch();
    assertThat(snapshot.file("alias.yaml").orElseThrow().content()).isEqualTo("b: 2".getBytes());
  }

  @Test
  void symlinkEscapingIsRejected() throws Exception {
    Files.writeString(tmp.resolve("secret"), "s3cret");
    Files.createSymbolicLink(root.resolve("leak.yaml"), Path.of("../secret"));
    assertThatThrownBy(DirectorySource.of(root)::resolve)
        .hasMessageContaining("symlink 'leak.yaml'")
        .hasMessageNotContaining("s3cret")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);
  }

  @Test
  void absoluteSymlinkIsRejected() throws Exception {
    Files.createSymbolicLink(root.resolve("abs.yaml"), root.resolve("app.yaml").toAbsolutePath());
    assertThatThrownBy(DirectorySource.of(root)::resolve)
        .hasMessageContaining("symlink 'abs.yaml'")
        .hasMessageContaining("absolute")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);
  }

  @Test
  void symlinkedDirectoryChainLeavingIsRejected() throws Exception {
    // inside -> a relative link that stays lexically inside but resolves outside through another
    // link
    Files.createSymbolicLink(root.resolve("out"), Path.of(".."));
    Files.createSymbolicLink(root.resolve("via.yaml"), Path.of("out/deploy/app.yaml"));
    assertThatThrownBy(DirectorySource.of(root)::resolve)
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);
  }

  @Test
  void missingDirectoryIsNotFound() {
    assertThatThrownBy(DirectorySource.of(tmp.resolve("absent"))::resolve)
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }
}
