package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan} and {@code sync} against real OpenTofu with the local provider from the testbed's
 * mirror, over a real Git repository: the exit codes CI relies on, pull-request refs, history.
 */
class TerraformCliIT {

  @TempDir Path dir;

  private static Map<String, String> config(String content) {
    return Map.of(
        "variables.tf",
        "variable \"out\" {\n  type = string\n}\n",
        "main.tf",
        "resource \"local_file\" \"greeting\" {\n"
            + "  filename = \"${var.out}/greeting.txt\"\n"
            + "  content  = \""
            + content
            + "\"\n}\n");
  }

  @Test
  void planExitCodesSyncAndPullRequestPreview() throws IOException {
    Testbed testbed = Testbed.get();
    Path out = Files.createDirectories(dir.resolve("out"));
    Path greeting = out.resolve("greeting.txt");
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      String first = repo.commit("first", config("hello"));
      List<String> app =
          List.of(
              "--repo",
              repo.uri(),
              "--name",
              "greeting",
              "--target",
              "terraform",
              "--tf-binary",
              testbed.tofu().toString(),
              "-O",
              "cli-config=" + testbed.tofuCliConfig(),
              "--var",
              "out=" + out,
              "--state-dir",
              dir.resolve("state").toString());

      Run plan = run("plan", app);
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);
      assertThat(plan.out())
          .contains("greeting: OUT_OF_SYNC at " + first.substring(0, 12))
          .contains("1 to create");
      assertThat(greeting).as("plan writes nothing").doesNotExist();

      Run sync = run("sync", app);
      assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.OK);
      assertThat(sync.out()).contains("greeting [1/1] applied create").contains("greeting: SYNCED");
      assertThat(greeting).hasContent("hello");

      Run inSync = run("plan", app);
      assertThat(inSync.exitCode()).as(inSync.toString()).isEqualTo(Main.OK);
      assertThat(inSync.out()).contains("greeting: IN_SYNC");

      // A hand edit is drift; sync heals it.
      Files.writeString(greeting, "edited by hand");
      assertThat(run("plan", app).exitCode()).isEqualTo(Main.DRIFT);
      assertThat(run("sync", app).exitCode()).isEqualTo(Main.OK);
      assertThat(greeting).hasContent("hello");

      // A pull request: its head is only reachable through refs/pull/42/head.
      repo.checkout("feature");
      String proposed = repo.commit("proposal", config("hello from the pull request"));
      repo.checkout("main");
      RefUpdate update = repo.git().getRepository().updateRef("refs/pull/42/head");
      update.setNewObjectId(ObjectId.fromString(proposed));
      assertThat(update.forceUpdate()).isIn(RefUpdate.Result.NEW, RefUpdate.Result.FORCED);
      repo.git().branchDelete().setBranchNames("feature").setForce(true).call();

      List<String> preview = new ArrayList<>(app);
      preview.addAll(List.of("--ref", "refs/pull/42/head"));
      Run pr = run("plan", preview);
      assertThat(pr.exitCode()).as(pr.toString()).isEqualTo(Main.DRIFT);
      assertThat(pr.out())
          .contains("at " + proposed.substring(0, 12))
          .contains("ref refs/pull/42/head");
      assertThat(greeting).hasContent("hello");
      assertThat(run("plan", app).exitCode()).as("main is still in sync").isEqualTo(Main.OK);

      // A broken configuration is an error, not drift, and nothing is applied.
      repo.commit(
          "broken", Map.of("broken.tf", "resource \"local_file\" \"x\" {\n  filename = \n}\n"));
      Run broken = run("plan", app);
      assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(Main.ERROR);
      assertThat(broken.out()).contains("greeting: FAILED").contains("broken.tf");
      Run brokenSync = run("sync", app);
      assertThat(brokenSync.exitCode()).isEqualTo(Main.ERROR);
      assertThat(greeting).hasContent("hello");

      // Every sync was recorded, hash-chained.
      Path history = dir.resolve("state").resolve("history.jsonl");
      Run verify = Run.of("history", "verify", "--history", history.toString());
      assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(Main.OK);
      assertThat(verify.out()).contains("intact");
      Run list = Run.of("history", "list", "greeting", "--history", history.toString());
      assertThat(list.out()).contains("SYNCED").contains(first.substring(0, 12));
    } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Run run(String command, List<String> args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(args);
    return Run.of(all.toArray(String[]::new));
  }
}
