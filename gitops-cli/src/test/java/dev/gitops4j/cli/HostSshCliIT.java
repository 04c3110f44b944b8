package dev.gitops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.Testbed;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of two hosts over SSH: two real OpenSSH servers from the testbed on 127.0.0.1, each with
 * its own host key, listed in the repository's inventory. Each host's files live in its own folder
 * under one allowed root. The tests run in order on the shared servers: converge, unknown host key,
 * a host down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostSshCliIT {

  private static final List<String> HOSTS = List.of("web1", "web2");
  private static final String USER = System.getProperty("user.name");

  @TempDir static Path tmp;
  private static final Map<String, Testbed.Sshd> servers = new LinkedHashMap<>();
  private static Path keyFile;
  private static Path knownHosts;
  private static Path hostsRoot;
  private static GitRepoFixture repo;

  @BeforeAll
  static void startHosts() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = generator.generateKeyPair();
    keyFile = tmp.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "gitops4j", null, out);
    }
    StringBuilder known = new StringBuilder();
    for (String host : HOSTS) {
      Testbed.Sshd sshd =
          Testbed.get().sshd(tmp.resolve("sshd-" + host), PublicKeyEntry.toString(key.getPublic()));
      servers.put(host, sshd);
      known.append(sshd.knownHostsLine()).append('\n');
    }
    knownHosts = Files.writeString(tmp.resolve("known_hosts"), known);
    hostsRoot = Files.createDirectories(tmp.resolve("hosts"));
    repo = GitRepoFixture.create(tmp.resolve("repo"));
    repo.commit("v1", files("v1"));
  }

  @AfterAll
  static void stopHosts() {
    if (repo != null) {
      repo.close();
    }
    servers.values().forEach(Testbed.Sshd::close);
  }

  private static Map<String, String> files(String version) {
    StringBuilder inventory = new StringBuilder("hosts:\n");
    for (String host : HOSTS) {
      inventory
          .append("  - name: ")
          .append(host)
          .append("\n    address: 127.0.0.1\n    port: ")
          .append(servers.get(host).port())
          .append("\n");
    }
    String base = hostsRoot + "/${host.name}";
    String app =
        """
        resources:
          - file: %s/etc/app.conf
            content: "${host.name} %s\\n"
            mode: "0640"
        """
            .formatted(base, version);
    return Map.of("fleet/inventory.yaml", inventory.toString(), "fleet/app.yaml", app);
  }

  private static Path config() throws Exception {
    return Files.writeString(
        tmp.resolve("gitops4j.yaml"),
        "applications:\n"
            + "  - name: fleet\n"
            + "    source: {url: '"
            + repo.uri()
            + "', path: fleet}\n"
            + "    target:\n"
            + "      type: host\n"
            + "      options:\n"
            + "        known-hosts: "
            + knownHosts
            + "\n"
            + "        identity: ["
            + keyFile
            + "]\n"
            + "        user: "
            + USER
            + "\n"
            + "        allowed-roots: ["
            + hostsRoot
            + "]\n"
            + "        state-directory: "
            + tmp.resolve("host-state")
            + "\n"
            + "        connect-timeout: 10s\n"
            + "        operation-timeout: 30s\n");
  }

  private static Run run(String command, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(command, "--config", config().toString()));
    all.addAll(List.of("--state-dir", tmp.resolve("state").toString()));
    all.addAll(List.of(args));
    return Run.of(all.toArray(String[]::new));
  }

  private static String label(String host) {
    return "fleet."
        + host
        + " (host "
        + host
        + ", "
        + USER
        + "@127.0.0.1:"
        + servers.get(host).port()
        + ")";
  }

  private static Path file(String host) {
    return hostsRoot.resolve(host).resolve("etc/app.conf");
  }

  @Test
  @Order(1)
  void planSyncPlanOverEveryHostOfTheInventory() throws Exception {
    Run plan = run("plan");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.DRIFT);
    for (String host : HOSTS) {
      assertThat(plan.out()).contains(label(host) + ": OUT_OF_SYNC").contains("1 to create");
      assertThat(file(host)).as("plan writes nothing").doesNotExist();
    }

    Run diff = run("diff");
    assertThat(diff.exitCode()).as(diff.toString()).isEqualTo(Main.DRIFT);
    assertThat(diff.out()).contains("web1").contains("web2").contains("app.conf");

    Run sync = run("sync");
    assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.OK);
    for (String host : HOSTS) {
      assertThat(sync.out()).contains(label(host) + ": SYNCED");
      assertThat(file(host)).hasContent(host + " v1");
      assertThat(tmp.resolve("host-state/fleet@" + host + ".json")).exists();
    }

    Run again = run("plan");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(Main.OK);
    assertThat(again.out())
        .contains(label("web1") + ": IN_SYNC")
        .contains(label("web2") + ": IN_SYNC");

    Run history =
        Run.of(
            "history",
            "list",
            "fleet.web2",
            "--history",
            tmp.resolve("state/history.jsonl").toString());
    assertThat(history.out()).contains("SYNCED");
  }

  @Test
  @Order(2)
  void anUnknownHostKeyIsRefusedNamingTheHost() throws Exception {
    Path partial =
        Files.writeString(
            tmp.resolve("known_hosts_web2_only"), servers.get("web2").knownHostsLine() + "\n");
    Files.writeString(file("web1"), "tampered\n");
    Run plan =
        Run.of(
            "plan",
            "--repo",
            repo.uri(),
            "--path",
            "fleet",
            "--name",
            "fleet",
            "--target",
            "host",
            "--ssh-known-hosts",
            partial.toString(),
            "--ssh-key",
            keyFile.toString(),
            "--ssh-user",
            USER,
            "--allowed-root",
            hostsRoot.toString(),
            "--host-state-dir",
            tmp.resolve("host-state").toString(),
            "--state-dir",
            tmp.resolve("state").toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(Main.ERROR);
    assertThat(plan.out())
        .contains(label("web1") + ": FAILED")
        .contains("host web1 (" + USER + "@127.0.0.1:" + servers.get("web1").port() + ")")
        .contains("its host key is not in " + partial)
        .contains(label("web2") + ": IN_SYNC");
    assertThat(plan.err()).contains("error: 1 of 2 failed: " + label("web1"));

    // Healed with the right known_hosts.
    assertThat(run("sync").exitCode()).isEqualTo(Main.OK);
    assertThat(file("web1")).hasContent("web1 v1");
  }

  @Test
  @Order(3)
  void aHostThatIsDownFailsAloneAndTheOtherConverges() throws Exception {
    int downPort = servers.get("web2").port();
    servers.get("web2").close();
    repo.commit("v2", files("v2"));
    Run sync = run("sync");
    assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(Main.ERROR);
    assertThat(sync.out())
        .contains(label("web1") + ": SYNCED")
        .contains(label("web2") + ": FAILED")
        .contains("host web2 (" + USER + "@127.0.0.1:" + downPort + ")");
    assertThat(sync.err()).contains("error: 1 of 2 failed: " + label("web2"));
    assertThat(file("web1")).hasContent("web1 v2");
    assertThat(file("web2")).hasContent("web2 v1");
  }
}
