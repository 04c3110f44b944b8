package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
      List<String> app = motdApp(repo, root, dir.resolve("state"));

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
  void rollbackPinsUntilUnpin() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path state = dir.resolve("state");
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      String first = repo.commit("one", Map.of("host.yaml", motd("one")));
      List<String> app = motdApp(repo, root, state);
      assertThat(run("sync", app).exitCode()).isEqualTo(Main.OK);
      repo.commit("two", Map.of("host.yaml", motd("two")));
      assertThat(run("sync", app).exitCode()).isEqualTo(Main.OK);
      assertThat(root.resolve("etc/motd")).hasContent("two");

      Run unknown = run("rollback", concat(app, "motd", "0".repeat(40)));
      assertThat(unknown.exitCode()).isEqualTo(Main.ERROR);
      assertThat(unknown.err()).contains("not in the history of motd");
      assertThat(state.resolve("pins.json")).as("a refused rollback pins nothing").doesNotExist();

      Run rollback = run("rollback", concat(app, "motd", first));
      assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(Main.OK);
      assertThat(rollback.out()).contains("motd: pinned to " + first.substring(0, 12));
      assertThat(root.resolve("etc/motd")).hasContent("one");
      assertThat(state.resolve("pins.json")).content().contains(first);

      // A new commit: later runs stay at the pinned revision and say so.
      repo.commit("three", Map.of("host.yaml", motd("three")));
      Run plan = run("plan", app);
      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.OK);
      assertThat(plan.out())
          .contains("motd: IN_SYNC at " + first.substring(0, 12))
          .contains("pinned to " + first.substring(0, 12) + " by rollback")
          .contains("'gitops4j unpin motd' follows ref main again");
      Files.writeString(root.resolve("etc/motd"), "edited by hand\n");
      Run sync = run("sync", app);
      assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.OK);
      assertThat(sync.out()).contains("pinned to " + first.substring(0, 12));
      assertThat(root.resolve("etc/motd")).as("healed to the pin, not the ref").hasContent("one");

      // watch keeps the pin too: its first pass heals to the pinned revision, not the ref.
      Files.writeString(root.resolve("etc/motd"), "edited again\n");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      AtomicInteger exit = new AtomicInteger(-1);
      List<String> watchArgs = new ArrayList<>(List.of("watch"));
      watchArgs.addAll(concat(app, "--port", "0"));
      Thread watch =
          new Thread(
              () ->
                  exit.set(
                      Main.commandLine(
                              new PrintWriter(out, true), new PrintWriter(err, true), Map.of())
                          .execute(watchArgs.toArray(String[]::new))));
      watch.start();
      try {
        assertThat(
                await(() -> out.toString().contains("motd: SYNCED at " + first.substring(0, 12))))
            .as(out + "\n" + err)
            .isTrue();
        assertThat(out.toString()).contains("motd: pinned to " + first.substring(0, 12));
        assertThat(root.resolve("etc/motd")).hasContent("one");
      } finally {
        watch.interrupt();
        watch.join(60_000);
      }
      assertThat(exit.get()).as(err.toString()).isEqualTo(Main.OK);

      Run unpin = run("unpin", concat(app, "motd"));
      assertThat(unpin.exitCode()).as(unpin.toString()).isEqualTo(Main.OK);
      assertThat(unpin.out()).contains("motd: unpinned from " + first.substring(0, 12));
      assertThat(root.resolve("etc/motd")).hasContent("three");
      Run after = run("plan", app);
      assertThat(after.exitCode()).isEqualTo(Main.OK);
      assertThat(after.out()).doesNotContain("pinned");
      Run again = run("unpin", concat(app, "motd"));
      assertThat(again.exitCode()).isEqualTo(Main.ERROR);
      assertThat(again.err()).contains("application 'motd' is not pinned");

      Run history =
          Run.of("history", "list", "motd", "--history", state.resolve("history.jsonl").toString());
      assertThat(history.out()).contains("ROLLBACK");
      // The pin is recorded once, by the rollback; later runs found it in the history.
      assertThat(history.out().lines().filter(l -> l.contains("PINNED") && !l.contains("UNPINNED")))
          .hasSize(1);
      assertThat(history.out().lines().filter(l -> l.contains("UNPINNED"))).hasSize(1);
    }
  }

  @Test
  void aBrokenPinsFileIsReportedWithItsLine() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve("pins.json"), "{\n  \"motd\": {\"revision\": 12,}\n}\n");
    try (GitRepoFixture repo = GitRepoFixture.create(dir.resolve("repo"))) {
      repo.commit("one", Map.of("host.yaml", motd("one")));
      Run plan = run("plan", motdApp(repo, dir.resolve("root"), state));
      assertThat(plan.exitCode()).isEqualTo(Main.ERROR);
      assertThat(plan.err()).contains("pins.json:2:");
    }
  }

  /** Polls until the condition holds, for at most a minute. */
  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Object lock = new Object();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      synchronized (lock) {
        lock.wait(100);
      }
    }
    return condition.getAsBoolean();
  }

  /**
   * The arguments of the {@code motd} application: {@code repo} onto a local host at {@code root}.
   */
  private static List<String> motdApp(GitRepoFixture repo, Path root, Path state) {
    return List.of(
        "--repo",
        repo.uri(),
        "--name",
        "motd",
        "--target",
        "host",
        "-O",
        "root=" + root,
        "--state-dir",
        state.toString());
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
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
