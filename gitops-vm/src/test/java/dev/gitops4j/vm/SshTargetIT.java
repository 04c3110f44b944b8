package dev.gitops4j.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Change;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import dev.gitops4j.test.Testbed;
import dev.gitops4j.vm.internal.SshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real OpenSSH servers on 127.0.0.1 play three hosts; each host's files live in its own
 * folder under one allowed root. The tests run in order on shared servers: converge, drift, host
 * down, bad revision, a step the hosts refuse, unknown host key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshTargetIT {

  private static final List<String> HOSTS = List.of("web1", "web2", "web3");

  @TempDir static Path tmp;
  private static final Map<String, Testbed.Sshd> servers = new LinkedHashMap<>();
  private static KeyPair key;
  private static Path knownHosts;
  private static Path hostsRoot;
  private static InMemorySource repo;
  private static VmTarget vm;
  private static Engine engine;
  private static ExecutorService passes;

  @BeforeAll
  static void startHosts() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    key = generator.generateKeyPair();
    StringBuilder known = new StringBuilder();
    for (String host : HOSTS) {
      Testbed.Sshd sshd =
          Testbed.get().sshd(tmp.resolve("sshd-" + host), PublicKeyEntry.toString(key.getPublic()));
      servers.put(host, sshd);
      known.append(sshd.knownHostsLine()).append('\n');
    }
    knownHosts = Files.writeString(tmp.resolve("known_hosts"), known);
    hostsRoot = Files.createDirectories(tmp.resolve("hosts"));
    ManualClock clock = ManualClock.create();
    repo = InMemorySource.create("fleet", clock);
    repo.commit(files(config("v1", true)));
    vm = newTarget(knownHosts);
    passes = Executors.newFixedThreadPool(3);
    Engine.Builder builder =
        Engine.builder()
            .clock(clock)
            .scheduler(new ManualScheduler(clock))
            .passExecutor(passes)
            .maxConcurrentPasses(3)
            .intervalJitter(0);
    for (Application app :
        vm.applications("fleet", repo, SyncPolicy.automatic(), Duration.ofMinutes(3))) {
      builder.application(app);
    }
    engine = builder.build();
  }

  @AfterAll
  static void stopHosts() {
    if (engine != null) {
      engine.close();
    }
    if (vm != null) {
      vm.close();
    }
    if (passes != null) {
      passes.shutdownNow();
    }
    servers.values().forEach(Testbed.Sshd::close);
  }

  private static VmTarget newTarget(Path knownHostsFile) {
    return VmTarget.builder("fleet")
        .allowedRoot(hostsRoot.toString())
        .stateDirectory(tmp.resolve("state").toString())
        .handlerTimeout(Duration.ofSeconds(30))
        .ssh(
            SshOptions.custom()
                .knownHosts(knownHostsFile)
                .identity(key)
                .connectTimeout(Duration.ofSeconds(10))
                .authTimeout(Duration.ofSeconds(10))
                .operationTimeout(Duration.ofSeconds(30))
                .build())
        .build();
  }

  private static String inventory() {
    StringBuilder out = new StringBuilder("hosts:\n");
    for (String host : HOSTS) {
      out.append("  - name: ")
          .append(host)
          .append("\n    address: 127.0.0.1\n    port: ")
          .append(servers.get(host).port())
          .append("\n    user: ")
          .append(System.getProperty("user.name"))
          .append("\n");
    }
    return out
        + "groups:\n  - name: web\n    hosts: [web1, web2, web3]\n    vars: {greeting: hello}\n";
  }

  private static String config(String version, boolean withExtra) {
    String base = hostsRoot + "/${host.name}";
    return """
        groups: [web]
        handlers:
          - name: reload
            command: echo reload >> %s.runs
        resources:
          - directory: %s/etc
            mode: "0755"
            owner: root
            group: root
          - file: %s/etc/app.conf
            content: "${vars.greeting} from ${host.name} %s\\n"
            mode: "0640"
            onChange: reload
        """
            .formatted(base, base, base, version)
        + (withExtra ? "  - file: " + base + "/etc/extra.conf\n    content: extra\n" : "");
  }

  private static Map<String, String> files(String config) {
    return Map.of("inventory.yaml", inventory(), "app.yaml", config);
  }

  private static Map<String, PassResult> passAll() throws Exception {
    Map<String, CompletableFuture<PassResult>> futures = new LinkedHashMap<>();
    for (String host : HOSTS) {
      futures.put(host, engine.trigger("fleet." + host));
    }
    Map<String, PassResult> results = new LinkedHashMap<>();
    for (var entry : futures.entrySet()) {
      results.put(entry.getKey(), entry.getValue().get(120, TimeUnit.SECONDS));
    }
    return results;
  }

  private static Path file(String host, String name) {
    return hostsRoot.resolve(host).resolve("etc").resolve(name);
  }

  private static long runs(String host) throws Exception {
    Path runs = hostsRoot.resolve(host + ".runs");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  /** Every path outside the servers' own folders, with content hash, mode, owner and times. */
  private static List<String> snapshotOfDisk() throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(tmp)) {
      for (Path p : walk.filter(p -> !p.toString().contains("sshd-")).sorted().toList()) {
        PosixFileAttributes a =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        out.add(
            p
                + (Files.isRegularFile(p) ? " " + Files.readString(p).hashCode() : "")
                + " "
                + PosixFilePermissions.toString(a.permissions())
                + " "
                + a.owner().getName()
                + ":"
                + a.group().getName()
                + " "
                + a.lastModifiedTime()
                + " "
                + Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS));
      }
    }
    return out;
  }

  @Test
  @Order(1)
  void convergesEveryHostAndRunsEachHandlerOnce() throws Exception {
    Map<String, PassResult> results = passAll();
    for (String host : HOSTS) {
      PassResult result = results.get(host);
      assertThat(result.status()).as(host + ": " + result.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(Files.readString(file(host, "app.conf")))
          .isEqualTo("hello from " + host + " v1\n");
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(file(host, "app.conf"))))
          .isEqualTo("rw-r-----");
      assertThat(Files.readString(file(host, "extra.conf"))).isEqualTo("extra");
      assertThat(runs(host)).isEqualTo(1);
      assertThat(result.results())
          .filteredOn(r -> r.step().id().kind().equals("handler"))
          .singleElement()
          .satisfies(r -> assertThat(r.message()).contains("ran handler reload on " + host));
      assertThat(tmp.resolve("state/fleet@" + host + ".json")).exists();
    }
    // A second pass finds nothing to do and runs no handler.
    for (PassResult result : passAll().values()) {
      assertThat(result.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(result.writes()).isZero();
    }
    for (String host : HOSTS) {
      assertThat(runs(host)).isEqualTo(1);
    }
  }

  @Test
  @Order(2)
  void handEditsAreDetectedAndHealed() throws Exception {
    Files.writeString(file("web2", "app.conf"), "tampered\n");
    Files.setPosixFilePermissions(
        file("web3", "app.conf"), PosixFilePermissions.fromString("rw-rw-rw-"));
    Map<String, PassResult> results = passAll();
    assertThat(results.get("web1").status()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(changedPaths(results.get("web2"))).containsExactly("/sha256");
    assertThat(changedPaths(results.get("web3"))).containsExactly("/mode");
    assertThat(Files.readString(file("web2", "app.conf"))).isEqualTo("hello from web2 v1\n");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file("web3", "app.conf"))))
        .isEqualTo("rw-r-----");
    assertThat(runs("web1")).isEqualTo(1);
    assertThat(runs("web2")).isEqualTo(2);
    assertThat(runs("web3")).isEqualTo(2);
  }

  private static List<String> changedPaths(PassResult result) {
    assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
    return Optional.ofNullable(result.drift()).orElseThrow().drifts().stream()
        .filter(d -> d.id().name().endsWith("app.conf"))
        .flatMap(d -> d.changes().stream())
        .map(Change::path)
        .toList();
  }

  @Test
  @Order(3)
  void aHostThatIsDownFailsAloneAndTheOthersConverge() throws Exception {
    servers.get("web3").close();
    repo.commit(files(config("v2", false)));
    Map<String, PassResult> results = passAll();
    for (String host : List.of("web1", "web2")) {
      assertThat(results.get(host).status())
          .as(results.get(host).error())
          .isEqualTo(PassStatus.SYNCED);
      assertThat(Files.readString(file(host, "app.conf")))
          .isEqualTo("hello from " + host + " v2\n");
      assertThat(file(host, "extra.conf")).as("pruned").doesNotExist();
    }
    PassResult down = results.get("web3");
    assertThat(down.status()).isEqualTo(PassStatus.FAILED);
    assertThat(down.retryable()).isTrue();
    assertThat(down.error()).contains("host web3", "127.0.0.1:" + servers.get("web3").port());
    assertThat(Files.readString(file("web3", "app.conf"))).isEqualTo("hello from web3 v1\n");
    assertThat(file("web3", "extra.conf")).exists();
    assertThat(runs("web1")).isEqualTo(2);
    assertThat(runs("web3")).isEqualTo(2);
  }

  @Test
  @Order(4)
  void aPathOutsideTheAllowedRootsWritesNothingAnywhere() throws Exception {
    List<String> before = snapshotOfDisk();
    repo.commit(
        files(
            config("v3", false)
                + "  - file: "
                + tmp.resolve("elsewhere.conf")
                + "\n    content: x\n"));
    Map<String, PassResult> results = passAll();
    for (String host : HOSTS) {
      PassResult result = results.get(host);
      assertThat(result.status()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error())
          .contains(
              "app.yaml:14:", "elsewhere.conf (host " + host + ") is outside the allowed roots");
      assertThat(result.results()).isEmpty();
    }
    assertThat(snapshotOfDisk()).isEqualTo(before);
  }

  /**
   * Validate all, then apply, on real hosts: an owner that no host knows fails every host's pass
   * before its first write, naming file and line, although the revision also changes app.conf.
   * Proved twice: nothing on disk changed (content, modes, owners, times), and a transport that
   * counts every call saw no write at all.
   */
  @Test
  @Order(5)
  void aStepTheHostsRefuseFailsEveryPassBeforeTheFirstWrite() throws Exception {
    String base = hostsRoot + "/${host.name}";
    String bad =
        config("v4", false)
            + "  - file: "
            + base
            + "/etc/owned.conf\n    content: x\n    owner: gitops4j-no-such-user\n";
    repo.commit(files(bad));
    List<String> before = snapshotOfDisk();
    Map<String, PassResult> results = passAll();
    for (String host : List.of("web1", "web2")) {
      PassResult result = results.get(host);
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.FAILED);
      assertThat(result.retryable()).isFalse();
      assertThat(result.error())
          .contains(
              "app.yaml:14:",
              "owner 'gitops4j-no-such-user' of "
                  + hostsRoot
                  + "/"
                  + host
                  + "/etc/owned.conf is not a user on host "
                  + host);
      assertThat(result.results()).isEmpty();
      assertThat(Files.readString(file(host, "app.conf")))
          .isEqualTo("hello from " + host + " v2\n");
    }
    assertThat(results.get("web3").status()).isEqualTo(PassStatus.FAILED);
    assertThat(snapshotOfDisk()).isEqualTo(before);

    CountingTransport.Calls calls = new CountingTransport.Calls();
    SshOptions options =
        SshOptions.custom()
            .knownHosts(knownHosts)
            .identity(key)
            .operationTimeout(Duration.ofSeconds(30))
            .build();
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(
        new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHosts));
    client.start();
    try (VmTarget counted =
            VmTarget.builder("fleet")
                .allowedRoot(hostsRoot.toString())
                .stateDirectory(tmp.resolve("state").toString())
                .transport(
                    host -> {
                      try {
                        return calls.wrap(SshTransport.connect(client, host, options));
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    })
                .build();
        Engine countedEngine =
            Engine.builder()
                .passExecutor(Runnable::run)
                .application(
                    Application.builder("fleet.web1")
                        .source(repo)
                        .target(counted.target("web1"))
                        .policy(SyncPolicy.automatic())
                        .build())
                .build()) {
      PassResult result = countedEngine.trigger("fleet.web1").get(60, TimeUnit.SECONDS);
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.FAILED);
      assertThat(result.error()).contains("app.yaml:14:", "is not a user on host web1");
      assertThat(calls.reads()).as("web1 was asked").isNotEmpty();
      assertThat(calls.reads()).anyMatch(call -> call.startsWith("unknownUsers"));
      assertThat(calls.writes()).as("writes on web1").isEmpty();
    } finally {
      client.stop();
    }
    assertThat(snapshotOfDisk()).isEqualTo(before);
  }

  @Test
  @Order(6)
  void anUnknownHostKeyIsRefused() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
    Path marker = hostsRoot.resolve("web1/etc/strict.conf");
    try (VmTarget strict = newTarget(empty)) {
      InMemorySource source = InMemorySource.create("strict", ManualClock.create());
      source.commit(
          Map.of(
              "inventory.yaml",
              inventory(),
              "app.yaml",
              "hosts: [web1]\nresources:\n  - file: " + marker + "\n    content: x\n"));
      try (Engine strictEngine =
          Engine.builder()
              .passExecutor(Runnable::run)
              .application(
                  Application.builder("strict.web1")
                      .source(source)
                      .target(strict.target("web1"))
                      .policy(SyncPolicy.automatic())
                      .build())
              .build()) {
        PassResult result = strictEngine.trigger("strict.web1").get(60, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(PassStatus.FAILED);
        assertThat(result.error()).contains("host web1", "did not validate");
      }
    }
    assertThat(marker).doesNotExist();
  }
}
