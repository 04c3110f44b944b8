package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan and sync of host files through the local transport, over a real Git repository. */
class HostCliTest {

  @TempDir Path dir;

  private static String motd(String text) {
    return "resources:\n  - file: /etc/motd\n    content: \""
        + text
        + "\\n\"\n    mode: \"0644\"\n";
  }

  @Test
  void planAndSyncFilesOfThisMachine() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      repo.commit("motd", Map.of("host.yaml", motd("welcome")));
      List<String> app =
          List.of(
              "--repo",
              repo.uri(),
              "--name",
              "motd",
              "--target",
              "host",
              "-O",
              "root=" + root,
              "--state-dir",
              dir.resolve("state").toString());

      Run plan = run("plan", app);
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);
      assertThat(root.resolve("etc/motd")).as("plan writes nothing").doesNotExist();

      Run sync = run("sync", app);
      assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.OK);
      assertThat(root.resolve("etc/motd")).hasContent("welcome");

      Files.writeString(root.resolve("etc/motd"), "edited by hand\n");
      assertThat(run("plan", app).exitCode()).isEqualTo(Main.DRIFT);
      assertThat(run("sync", app).exitCode()).isEqualTo(Main.OK);
      assertThat(root.resolve("etc/motd")).hasContent("welcome");
      assertThat(run("plan", app).exitCode()).isEqualTo(Main.OK);
    }
  }

  @Test
  void hostTargetNeedsARoot() {
    Run run = run("plan", List.of("--repo", "file:///nowhere", "--name", "x", "--target", "host"));
    assertThat(run.exitCode()).isEqualTo(Main.ERROR);
    assertThat(run.err()).contains("needs -O root=");
  }

  private static Run run(String command, List<String> args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(args);
    return Run.of(all.toArray(String[]::new));
  }
}
