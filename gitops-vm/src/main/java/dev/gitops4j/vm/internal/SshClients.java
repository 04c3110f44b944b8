package dev.gitops4j.vm.internal;

import dev.gitops4j.vm.SshOptions;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;

/** The SSH client a VM target connects its hosts with. */
public final class SshClients {

  /** What OpenSSH's own client sends as keepalive; servers answer it (with a failure). */
  static final String KEEPALIVE = "keepalive@openssh.com";

  /** Keepalives a host may leave unanswered before its connection is closed. */
  private static final int KEEPALIVE_MISSES = 3;

  private SshClients() {}

  /** Starts a client that refuses host keys missing from known_hosts; stop it when done. */
  public static SshClient start(SshOptions options) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(
        new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, options.knownHosts()));
    if (!options.keyFiles().isEmpty()) {
      client.setKeyIdentityProvider(new FileKeyPairProvider(options.keyFiles()));
    }
    // Bounds every SFTP request and closes a connection that stays silent that long.
    CoreModuleProperties.IDLE_TIMEOUT.set(client, options.operationTimeout());
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, options.connectTimeout());
    if (!options.keepAlive().isZero()) {
      // Answered keepalives keep a connection open between passes (each answer resets the idle
      // timeout) and tell a host that stopped answering.
      CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, options.keepAlive());
      CoreModuleProperties.HEARTBEAT_REQUEST.set(client, KEEPALIVE);
      CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, KEEPALIVE_MISSES);
    }
    client.start();
    return client;
  }
}
