package dev.gitops4j.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import dev.gitops4j.vm.internal.LocalTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local transport through a real engine: create, drift and heal, prune, handlers. */
class LocalTargetTest {

  private static final String APP = "agent";

  @TempDir Path tmp;
  private Path root;
  private Path runs;
  private InMemorySource repo;
  private VmTarget vm;
  private Engine engine;

  @BeforeEach
  void setUp() {
    root = tmp.resolve("root");
    runs = tmp.resolve("handler-runs.txt");
    ManualClock clock = ManualClock.create();
    repo = InMemorySource.create("host-config", clock);
    vm = VmTarget.local(root);
    engine =
        DeterministicEngine.builder(clock, new ManualScheduler(clock))
            .application(
                Application.builder(APP)
                    .source(repo)
                    .target(vm.target("localhost"))
                    .policy(SyncPolicy.automatic())
                    .interval(Duration.ofMinutes(3))
                    .build())
            .build();
  }

  @AfterEach
  void tearDown() {
    engine.close();
    vm.close();
  }

  private String config(boolean withLink) {
    return """
        handlers:
          - name: reload
            command: echo reload-${host.name} >> %s
        resources:
          - directory: /etc/app
            mode: "0750"
          - file: /etc/app/app.conf
            content: |
              name=${host.name}
            mode: "0640"
            onChange: reload
          - file: /etc/app/static.txt
            content: static
        """
            .formatted(runs)
        + (withLink ? "  - symlink: /etc/app/current\n    target: /etc/app/app.conf\n" : "");
  }

  private PassResult pass() throws Exception {
    PassResult result = engine.trigger(APP).get(30, TimeUnit.SECONDS);
    assertThat(result.error()).as("pass error").isEmpty();
    return result;
  }

  private long handlerRuns() throws Exception {
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  @Test
  void createsHealsPrunesAndRunsHandlersOncePerChange() throws Exception {
    repo.commit(Map.of("host.yaml", config(true)));

    PassResult first = pass();
    assertThat(first.status()).isEqualTo(PassStatus.SYNCED);
    Path conf = root.resolve("etc/app/app.conf");
    assertThat(Files.readString(conf)).isEqualTo("name=localhost\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)))
        .isEqualTo("rw-r-----");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/app"))))
        .isEqualTo("rwxr-x---");
    assertThat(Files.readSymbolicLink(root.resolve("etc/app/current")))
        .isEqualTo(root.toRealPath().resolve("etc/app/app.conf"));
    assertThat(handlerRuns()).isEqualTo(1);
    assertThat(Files.readString(runs)).isEqualTo("reload-localhost\n");
    assertThat(first.results())
        .filteredOn(r -> r.step().id().kind().equals("handler"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.message())
                    .contains("ran handler reload on localhost", "/etc/app/app.conf"));
    assertThat(Files.readString(root.resolve(".gitops4j/local@localhost.json")))
        .contains(
            "\"application\" : \"agent\"", "file:/etc/app/app.conf", "symlink:/etc/app/current");

    // Nothing changed: no writes, no handler.
    PassResult quiet = pass();
    assertThat(quiet.status()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(quiet.writes()).isZero();
    assertThat(handlerRuns()).isEqualTo(1);

    // A hand edit is drift on the hash; healing it reloads once.
    Files.writeString(conf, "name=hacked\n");
    PassResult healed = pass();
    assertThat(healed.status()).isEqualTo(PassStatus.SYNCED);
    Drift drift =
        Optional.ofNullable(healed.drift()).orElseThrow().drifts().stream()
            .filter(d -> d.id().name().equals("/etc/app/app.conf"))
            .findFirst()
            .orElseThrow();
    assertThat(drift.changes()).extracting(Change::path).containsExactly("/sha256");
    assertThat(Files.readString(conf)).isEqualTo("name=localhost\n");
    assertThat(handlerRuns()).isEqualTo(2);

    // A mode edit is drift on /mode; fixed without rewriting, still a change the handler hears of.
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-rw-rw-"));
    PassResult modeFixed = pass();
    assertThat(Optional.ofNullable(modeFixed.drift()).orElseThrow().drifts())
        .filteredOn(d -> d.id().name().equals("/etc/app/app.conf"))
        .singleElement()
        .satisfies(d -> assertThat(d.changes()).extracting(Change::path).containsExactly("/mode"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)))
        .isEqualTo("rw-r-----");
    assertThat(handlerRuns()).isEqualTo(3);

    // An edit of an unwatched file heals without the handler.
    Files.writeString(root.resolve("etc/app/static.txt"), "changed");
    pass();
    assertThat(Files.readString(root.resolve("etc/app/static.txt"))).isEqualTo("static");
    assertThat(handlerRuns()).isEqualTo(3);

    // Removed from Git: pruned; an unmanaged file next to it is never touched.
    Path unmanaged = Files.writeString(root.resolve("etc/app/local-notes.txt"), "mine");
    repo.commit(Map.of("host.yaml", config(false)));
    PassResult pruned = pass();
    assertThat(pruned.results())
        .extracting(r -> r.step().toString())
        .containsExactly("delete symlink localhost//etc/app/current");
    assertThat(
            Files.exists(root.resolve("etc/app/current"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    assertThat(Files.readString(unmanaged)).isEqualTo("mine");
    assertThat(Files.readString(root.resolve(".gitops4j/local@localhost.json")))
        .doesNotContain("symlink:");
    assertThat(handlerRuns()).isEqualTo(3);
    assertThat(pass().writes()).isZero();
  }

  @Test
  void badRevisionWritesNothing() throws Exception {
    repo.commit(
        Map.of(
            "host.yaml",
            "resources:\n  - file: /etc/good.conf\n    content: fine\n  - file: /etc/../../escape\n    content: x\n"));
    PassResult result = engine.trigger(APP).get(30, TimeUnit.SECONDS);
    assertThat(result.status()).isEqualTo(PassStatus.FAILED);
    assertThat(result.error()).contains("host.yaml:4:", "contains a '..' segment");
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void failingHandlerStaysPendingUntilItSucceeds() throws Exception {
    Path gate = tmp.resolve("gate");
    String yaml =
        """
        handlers:
          - name: check
            command: test -e %s && echo ok >> %s
        resources:
          - file: /etc/a.conf
            content: a
            onChange: check
        """
            .formatted(gate, runs);
    repo.commit(Map.of("a.yaml", yaml));
    PassResult failed = engine.trigger(APP).get(30, TimeUnit.SECONDS);
    assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
    assertThat(failed.error()).contains("handler check on host localhost", "exited with 1");
    assertThat(failed.results()).filteredOn(StepResult::failed).hasSize(1);
    assertThat(Files.readString(root.resolve("etc/a.conf"))).isEqualTo("a");

    // The file is in sync now, but the handler still owes a run.
    Files.createFile(gate);
    PassResult retried = pass();
    assertThat(retried.results()).extracting(r -> r.step().id().kind()).containsExactly("handler");
    assertThat(handlerRuns()).isEqualTo(1);
    assertThat(pass().writes()).isZero();
    assertThat(handlerRuns()).isEqualTo(1);
    assertThat(List.of(Files.readString(root.resolve(".gitops4j/local@localhost.json"))))
        .allMatch(s -> s.contains("\"pending\" : [ ]"));
  }

  @Test
  void aSymlinkedDirectoryLeadingOutOfTheRootIsRefused() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("etc"), outside);
    repo.commit(Map.of("host.yaml", "resources:\n  - file: /etc/evil.conf\n    content: x\n"));
    PassResult result = engine.trigger(APP).get(30, TimeUnit.SECONDS);
    assertThat(result.status()).isEqualTo(PassStatus.FAILED);
    assertThat(result.error())
        .contains("host.yaml:2:", "refusing to write /etc/evil.conf", "a symlink leads out");
    assertThat(outside).isEmptyDirectory();
    assertThat(result.results()).as("refused before the first write").isEmpty();
    assertThat(root.resolve(".gitops4j")).as("not even the state file is written").doesNotExist();
  }

  /**
   * Validate all, then apply: steps only the host can refuse (an unknown owner or group, a
   * directory that resolves outside the allowed roots, a non-empty directory in the way) fail the
   * pass before its first write, each named with file and line, while the revision's good changes
   * wait too.
   */
  @Test
  void stepsTheHostWouldRefuseFailThePassBeforeTheFirstWrite() throws Exception {
    CountingTransport.Calls calls = new CountingTransport.Calls();
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    InMemorySource source = InMemorySource.create("checked", ManualClock.create());
    try (VmTarget counted =
            VmTarget.builder("local")
                .rootDirectory(root)
                .allowedRoot("/")
                .stateDirectory("/.gitops4j")
                .transport(host -> calls.wrap(new LocalTransport(host.name())))
                .build();
        Engine checked =
            Engine.builder()
                .passExecutor(Runnable::run)
                .application(
                    Application.builder("checked")
                        .source(source)
                        .target(counted.target("localhost"))
                        .policy(SyncPolicy.automatic())
                        .build())
                .build()) {
      source.commit(
          Map.of("host.yaml", "resources:\n  - file: /etc/good.conf\n    content: fine\n"));
      PassResult good = checked.trigger("checked").get(30, TimeUnit.SECONDS);
      assertThat(good.status()).as(good.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(calls.writes()).isNotEmpty();

      Files.createSymbolicLink(root.resolve("etc/out"), outside);
      Files.writeString(Files.createDirectories(root.resolve("etc/busy")).resolve("x"), "x");
      Files.writeString(Files.createDirectories(root.resolve("etc/full")).resolve("y"), "y");
      List<String> before = tree(root);
      String bad =
          String.join(
              "\n",
              "resources:",
              "  - file: /etc/good.conf",
              "    content: changed",
              "  - file: /etc/app/owned.conf",
              "    content: x",
              "    owner: gitops4j-no-such-user",
              "    group: gitops4j-no-such-group",
              "  - file: /etc/out/evil.conf",
              "    content: x",
              "  - file: /etc/busy",
              "    content: x",
              "  - absent: /etc/full",
              "");
      source.commit(Map.of("host.yaml", bad));
      calls.clear();
      PassResult rejected = checked.trigger("checked").get(30, TimeUnit.SECONDS);

      assertThat(rejected.status()).isEqualTo(PassStatus.FAILED);
      assertThat(rejected.retryable()).isFalse();
      assertThat(rejected.error())
          .contains("is invalid")
          .contains(
              "host.yaml:4:",
              "owner 'gitops4j-no-such-user' of /etc/app/owned.conf is not a user on host"
                  + " localhost")
          .contains("group 'gitops4j-no-such-group' of /etc/app/owned.conf is not a group")
          .contains("host.yaml:8:", "refusing to write /etc/out/evil.conf", "a symlink leads out")
          .contains("host.yaml:10:", "/etc/busy is a non-empty directory where a file is declared")
          .contains("host.yaml:12:", "/etc/full must be absent but is a non-empty directory");
      assertThat(rejected.results()).isEmpty();
      assertThat(calls.writes()).as("writes of the rejected pass").isEmpty();
      assertThat(calls.reads()).as("the host was asked").isNotEmpty();
      assertThat(tree(root)).isEqualTo(before);
      assertThat(Files.readString(root.resolve("etc/good.conf"))).isEqualTo("fine");
      assertThat(outside).isEmptyDirectory();
    }
  }

  /** Every path under {@code dir} with its type, mode, size, content hash and times. */
  static List<String> tree(Path dir) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted().toList()) {
        java.nio.file.attribute.PosixFileAttributes a =
            Files.readAttributes(
                p,
                java.nio.file.attribute.PosixFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        out.add(
            p
                + " "
                + PosixFilePermissions.toString(a.permissions())
                + " "
                + a.owner().getName()
                + ":"
                + a.group().getName()
                + " "
                + a.size()
                + " "
                + a.lastModifiedTime()
                + " "
                + Files.getAttribute(p, "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                + (a.isRegularFile() ? " " + Files.readString(p).hashCode() : ""));
      }
    }
    return out;
  }
}
