package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.source.SourceLimits;
import dev.gitops4j.test.InMemoryTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source-level bad input through the whole engine: the pass fails naming the file, and nothing of
 * the revision reaches the target, not even its valid files.
 */
class BadSourceTest {

  private static PassResult reconcile(DirectorySource source, InMemoryTarget target)
      throws Exception {
    try (Engine engine =
        Engine.builder()
            .passExecutor(Runnable::run)
            .application(Application.builder("shop").source(source).target(target.target()).build())
            .build()) {
      return engine.trigger("shop").get(30, TimeUnit.SECONDS);
    }
  }

  private static Path repoWithValidFile(Path dir) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("good.yaml"), Harness.configMap("good", "1"));
    return repo;
  }

  @Test
  void symlinkLeavingTheSourceIsRefused(@TempDir Path dir) throws Exception {
    Path repo = repoWithValidFile(dir);
    Files.writeString(dir.resolve("outside.yaml"), Harness.configMap("stolen", "1"));
    Files.createSymbolicLink(repo.resolve("link.yaml"), Path.of("../outside.yaml"));
    InMemoryTarget target = InMemoryTarget.create();

    PassResult result = reconcile(DirectorySource.of(repo), target);

    assertThat(result.status()).isEqualTo(PassStatus.FAILED);
    assertThat(result.error()).contains("link.yaml");
    assertThat(result.retryable()).isFalse();
    assertThat(target.writes()).isZero();
  }

  @Test
  void oversizedFileIsRefused(@TempDir Path dir) throws Exception {
    Path repo = repoWithValidFile(dir);
    Files.writeString(repo.resolve("huge.yaml"), "# " + "x".repeat(4096) + "\n");
    InMemoryTarget target = InMemoryTarget.create();

    PassResult result =
        reconcile(
            DirectorySource.of(repo, SourceLimits.custom().maxFileSize(1024).build()), target);

    assertThat(result.status()).isEqualTo(PassStatus.FAILED);
    assertThat(result.error()).contains("huge.yaml");
    assertThat(target.writes()).isZero();
  }

  @Test
  void tooManyFilesAreRefused(@TempDir Path dir) throws Exception {
    Path repo = repoWithValidFile(dir);
    for (int i = 0; i < 5; i++) {
      Files.writeString(repo.resolve("cm-" + i + ".yaml"), Harness.configMap("cm-" + i, "1"));
    }
    InMemoryTarget target = InMemoryTarget.create();

    PassResult result =
        reconcile(DirectorySource.of(repo, SourceLimits.custom().maxFileCount(3).build()), target);

    assertThat(result.status()).isEqualTo(PassStatus.FAILED);
    assertThat(result.error()).containsIgnoringCase("files");
    assertThat(target.writes()).isZero();
  }

  @Test
  void tooDeepIsRefused(@TempDir Path dir) throws Exception {
    Path repo = repoWithValidFile(dir);
    Path deep = Files.createDirectories(repo.resolve("a/b/c/d"));
    Files.writeString(deep.resolve("deep.yaml"), Harness.configMap("deep", "1"));
    InMemoryTarget target = InMemoryTarget.create();

    PassResult result =
        reconcile(DirectorySource.of(repo, SourceLimits.custom().maxDepth(2).build()), target);

    assertThat(result.status()).isEqualTo(PassStatus.FAILED);
    assertThat(result.error()).contains("a/b/c");
    assertThat(target.writes()).isZero();
  }
}
