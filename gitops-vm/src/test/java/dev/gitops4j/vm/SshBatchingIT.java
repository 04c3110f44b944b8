package dev.gitops4j.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.Testbed;
import dev.gitops4j.vm.internal.SshClients;
import dev.gitops4j.vm.internal.SshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pass costs each host over SSH, counted on the client's own connections to real OpenSSH
 * servers: a pass that finds nothing to do opens no new connection and runs one command per host,
 * whatever the number of managed paths; with {@code keepAlive(Duration.ZERO)} every pass connects
 * anew; a host that went down fails its pass although its connection was kept.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshBatchingIT {

  private static final List<String> HOSTS = List.of("b1", "b2");
  private static final int FILES = 12;

  @TempDir static Path tmp;
  private static final Map<String, Testbed.Sshd> servers = new LinkedHashMap<>();
  private static KeyPair key;
  private static Path knownHosts;
  private static Path root;

  /** SSH sessions and exec channels one client opened. */
  private static final class Opened {
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger execs = new AtomicInteger();

    void attach(SshClient client) {
      client.addSessionListener(
          new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
              sessions.incrementAndGet();
            }
          });
      client.addChannelListener(
          new ChannelListener() {
            @Override
            public void channelOpenSuccess(Channel channel) {
              if (channel instanceof ChannelExec) {
                execs.incrementAndGet();
              }
            }
          });
    }
  }

  @BeforeAll
  static void startHosts() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    key = generator.generateKeyPair();
    for (String host : HOSTS) {
      servers.put(host, start(host));
    }
    writeKnownHosts();
    root = Files.createDirectories(tmp.resolve("hosts"));
  }

  private static Testbed.Sshd start(String host) {
    return Testbed.get()
        .sshd(tmp.resolve("sshd-" + host), PublicKeyEntry.toString(key.getPublic()));
  }

  private static void writeKnownHosts() throws IOException {
    StringBuilder known = new StringBuilder();
    servers.values().forEach(s -> known.append(s.knownHostsLine()).append('\n'));
    knownHosts = Files.writeString(tmp.resolve("known_hosts"), known);
  }

  @AfterAll
  static void stopHosts() {
    servers.values().forEach(Testbed.Sshd::close);
  }

  private static Map<String, String> repository(String name) {
    StringBuilder inventory = new StringBuilder("hosts:\n");
    for (String host : HOSTS) {
      inventory
          .append("  - name: ")
          .append(host)
          .append("\n    address: 127.0.0.1\n    port: ")
          .append(servers.get(host).port())
          .append("\n    user: ")
          .append(System.getProperty("user.name"))
          .append('\n');
    }
    String base = root + "/${host.name}/" + name;
    StringBuilder doc = new StringBuilder("resources:\n");
    doc.append("  - directory: ").append(base).append("\n    mode: \"0750\"\n");
    for (int i = 0; i < FILES; i++) {
      doc.append("  - file: ")
          .append(base)
          .append("/file ")
          .append(i)
          .append(".conf\n    content: \"line ")
          .append(i)
          .append(" of ${host.name}\\n\"\n    mode: \"0640\"\n");
    }
    doc.append("  - file: ").append(base).append("/empty.conf\n    content: \"\"\n");
    doc.append("  - symlink: ")
        .append(base)
        .append("/current\n    target: ")
        .append(base)
        .append("/file 0.conf\n");
    doc.append("  - absent: ").append(base).append("/old.conf\n");
    return Map.of("inventory.yaml", inventory.toString(), name + ".yaml", doc.toString());
  }

  /** A fleet of the hosts on a client whose openings are counted. */
  private record Fleet(VmTarget vm, Engine engine, SshClient client, CountingTransport.Calls calls)
      implements AutoCloseable {

    Map<String, PassResult> passAll() throws Exception {
      Map<String, PassResult> results = new LinkedHashMap<>();
      for (String host : HOSTS) {
        results.put(host, engine.trigger("batch." + host).get(60, TimeUnit.SECONDS));
      }
      return results;
    }

    @Override
    public void close() {
      engine.close();
      vm.close();
      client.stop();
    }
  }

  private static Fleet fleet(String name, Duration keepAlive, Opened opened) throws Exception {
    SshOptions options =
        SshOptions.custom()
            .knownHosts(knownHosts)
            .identity(key)
            .operationTimeout(Duration.ofSeconds(30))
            .keepAlive(keepAlive)
            .build();
    SshClient client = SshClients.start(options);
    opened.attach(client);
    CountingTransport.Calls calls = new CountingTransport.Calls();
    InMemorySource repo = InMemorySource.create(name, ManualClock.create());
    repo.commit(repository(name));
    VmTarget vm =
        VmTarget.builder(name)
            // The options set whether connections are kept; the transports use the counted client.
            .ssh(options)
            .allowedRoot(root.toString())
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
    Engine.Builder engine = Engine.builder().passExecutor(Runnable::run);
    for (Application app :
        vm.applications("batch", repo, SyncPolicy.automatic(), Duration.ofHours(1))) {
      engine.application(app);
    }
    return new Fleet(vm, engine.build(), client, calls);
  }

  private static void assertNoOp(Map<String, PassResult> results) {
    for (PassResult result : results.values()) {
      assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(result.writes()).isZero();
    }
  }

  @Test
  @Order(2)
  void aNoOpPassKeepsTheConnectionAndRunsOneCommandPerHost() throws Exception {
    Opened opened = new Opened();
    try (Fleet fleet = fleet("kept", Duration.ofSeconds(10), opened)) {
      for (PassResult result : fleet.passAll().values()) {
        assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
      }
      assertThat(opened.sessions.get()).as("one connection per host").isEqualTo(HOSTS.size());
      for (int pass = 0; pass < 3; pass++) {
        fleet.calls().clear();
        int sessions = opened.sessions.get();
        int execs = opened.execs.get();
        assertNoOp(fleet.passAll());
        assertThat(opened.sessions.get() - sessions).as("new connections").isZero();
        assertThat(opened.execs.get() - execs)
            .as("commands: one stat of all %d paths per host", FILES + 4)
            .isEqualTo(HOSTS.size());
        assertThat(fleet.calls().writes()).as("writes").isEmpty();
      }
      assertThat(fleet.calls().opened()).isEqualTo(HOSTS.size());
      assertThat(fleet.calls().closed()).isZero();

      // Drift is still seen through the batched command, here a changed symlink and a mode.
      Path link = root.resolve("b1/kept/current");
      Files.delete(link);
      Files.createSymbolicLink(link, root.resolve("b1/kept/file 1.conf"));
      Files.setPosixFilePermissions(
          root.resolve("b2/kept/file 3.conf"), PosixFilePermissions.fromString("rw-rw-rw-"));
      Map<String, PassResult> healed = fleet.passAll();
      for (PassResult result : healed.values()) {
        assertThat(result.status()).as(result.error()).isEqualTo(PassStatus.SYNCED);
        assertThat(result.writes()).isEqualTo(1);
      }
      assertThat(Files.readSymbolicLink(link)).isEqualTo(root.resolve("b1/kept/file 0.conf"));
      assertNoOp(fleet.passAll());

      // A kept connection does not make a host that went down look alive: its server and the
      // processes serving the open connection stop, and the next pass fails naming the address.
      servers.get("b2").close();
      Map<String, PassResult> results = fleet.passAll();
      assertNoOp(Map.of("b1", results.get("b1")));
      PassResult down = results.get("b2");
      assertThat(down.status()).isEqualTo(PassStatus.FAILED);
      assertThat(down.retryable()).isTrue();
      assertThat(down.error()).contains("host b2", "127.0.0.1:" + servers.get("b2").port());
    }
  }

  @Test
  @Order(1)
  void withoutKeepAliveEveryPassConnectsAnew() throws Exception {
    Opened opened = new Opened();
    try (Fleet fleet = fleet("unkept", Duration.ZERO, opened)) {
      fleet.passAll();
      int sessions = opened.sessions.get();
      assertNoOp(fleet.passAll());
      assertThat(opened.sessions.get() - sessions).isEqualTo(HOSTS.size());
      assertThat(fleet.calls().closed()).isEqualTo(fleet.calls().opened());
    }
  }
}
