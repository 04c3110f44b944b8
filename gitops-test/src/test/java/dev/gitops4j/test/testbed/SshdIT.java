package dev.gitops4j.test.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.test.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testbed's OpenSSH server, driven by the JVM's SSH client. */
class SshdIT {

  @Test
  void runsACommandAndTransfersAFile(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = generator.generateKeyPair();
    String user = System.getProperty("user.name");

    try (Testbed.Sshd sshd =
            Testbed.get().sshd(dir.resolve("sshd"), PublicKeyEntry.toString(key.getPublic()));
        SshClient client = SshClient.setUpDefaultClient()) {
      Path knownHosts = dir.resolve("known_hosts");
      Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
      client.setServerKeyVerifier(
          new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHosts));
      client.start();

      try (ClientSession session =
          client
              .connect(user, "127.0.0.1", sshd.port())
              .verify(Duration.ofSeconds(30))
              .getSession()) {
        session.addPublicKeyIdentity(key);
        session.auth().verify(Duration.ofSeconds(30));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec exec = session.createExecChannel("echo hello from sshd")) {
          exec.setOut(out);
          exec.setErr(OutputStream.nullOutputStream());
          exec.open().verify(Duration.ofSeconds(30));
          exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
          assertThat(exec.getExitStatus()).isZero();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello from sshd\n");

        Path remote = dir.resolve("uploaded.txt");
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            OutputStream upload = sftp.write(remote.toString())) {
          upload.write("transferred".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.readString(remote)).isEqualTo("transferred");
      }
    }
  }

  @Test
  void unknownHostKeyIsRefused(@TempDir Path dir) throws Exception {
    KeyPair user = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    try (Testbed.Sshd sshd =
            Testbed.get().sshd(dir.resolve("sshd"), PublicKeyEntry.toString(user.getPublic()));
        SshClient client = SshClient.setUpDefaultClient()) {
      Path emptyKnownHosts = Files.writeString(dir.resolve("known_hosts"), "");
      client.setServerKeyVerifier(
          new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, emptyKnownHosts));
      client.start();
      assertThatThrownBy(
              () -> {
                try (ClientSession session =
                    client
                        .connect(System.getProperty("user.name"), "127.0.0.1", sshd.port())
                        .verify(Duration.ofSeconds(30))
                        .getSession()) {
                  session.addPublicKeyIdentity(user);
                  session.auth().verify(Duration.ofSeconds(30));
                }
              })
          .hasMessageContaining("Server key did not validate");
    }
  }
}
