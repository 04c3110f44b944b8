package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate: what a Git generator makes of a repository or a folder, changing nothing. */
class GenerateCliTest {

  @TempDir Path dir;

  @Test
  void foldersOfARepository() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      repo.commit(
          "apps",
          Map.of("apps/web/a.yaml", "kind: x\n", "apps/api/a.yaml", "kind: x\n", "x.md", "hi"));
      Run run = Run.of("generate", "--repo", repo.uri(), "--folders", "apps/*");
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(Main.OK);
      assertThat(run.out())
          .isEqualTo("path=apps/api path.basename=api\n" + "path=apps/web path.basename=web\n");
    }
  }

  @Test
  void filesOfAFolderAndABadOneNamedWithItsLine() throws Exception {
    Path config = Files.createDirectories(dir.resolve("config/clusters"));
    Files.writeString(config.resolve("eu.yaml"), "name: eu-1\nwave: 1\n");
    Run good =
        Run.of("generate", "--dir", dir.resolve("config").toString(), "--files", "clusters/*.yaml");
    assertThat(good.exitCode()).as(good.toString()).isEqualTo(Main.OK);
    assertThat(good.out())
        .isEqualTo("name=eu-1 path=clusters path.basename=clusters path.filename=eu.yaml wave=1\n");

    Files.writeString(config.resolve("us.yaml"), "name: us-1\nwave: [2\n");
    Run bad =
        Run.of("generate", "--dir", dir.resolve("config").toString(), "--files", "clusters/*.yaml");
    assertThat(bad.exitCode()).isEqualTo(Main.ERROR);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.err()).startsWith("error: clusters/us.yaml:");
  }

  @Test
  void oneSourceAndOneKindOfGeneratorAreRequired() {
    Run run = Run.of("generate", "--folders", "apps/*");
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("--repo").contains("--dir");
  }
}
