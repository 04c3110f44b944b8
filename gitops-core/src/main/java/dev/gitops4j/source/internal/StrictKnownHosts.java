package dev.gitops4j.source.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host key check against one known_hosts file, strictly: a host key is accepted only when the file
 * lists it for the host. Unknown or changed keys are refused, never added, and nobody is asked.
 */
public final class StrictKnownHosts implements ServerKeyDatabase {

  private static final Logger LOG = LoggerFactory.getLogger(StrictKnownHosts.class);

  private final Path knownHosts;

  public StrictKnownHosts(Path knownHosts) {
    this.knownHosts = knownHosts;
  }

  @Override
  public List<PublicKey> lookup(
      String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
    List<PublicKey> keys = new ArrayList<>();
    for (KnownHostEntry entry : entries()) {
      if (entry.getMarker() == null && matches(entry, connectAddress, remoteAddress)) {
        PublicKey key = resolve(entry);
        if (key != null) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  @Override
  public boolean accept(
      String connectAddress,
      InetSocketAddress remoteAddress,
      PublicKey serverKey,
      Configuration config,
      CredentialsProvider provider) {
    boolean accepted = false;
    for (KnownHostEntry entry : entries()) {
      if (!matches(entry, connectAddress, remoteAddress)) {
        continue;
      }
      PublicKey key = resolve(entry);
      if (key == null || !KeyUtils.compareKeys(key, serverKey)) {
        continue;
      }
      if ("revoked".equals(entry.getMarker())) {
        return false;
      }
      if (entry.getMarker() == null) {
        accepted = true;
      }
    }
    if (!accepted) {
      LOG.warn(
          "SSH host key {} of {} is not listed in {}; connection refused",
          KeyUtils.getFingerPrint(serverKey),
          connectAddress,
          knownHosts);
    }
    return accepted;
  }

  private List<KnownHostEntry> entries() {
    if (!Files.isRegularFile(knownHosts)) {
      return Collections.emptyList();
    }
    try {
      return KnownHostEntry.readKnownHostEntries(knownHosts);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read known_hosts file {}: {}", knownHosts, e.toString());
      return Collections.emptyList();
    }
  }

  private static boolean matches(
      KnownHostEntry entry, String connectAddress, InetSocketAddress remote) {
    HostPort target = HostPort.parse(connectAddress, remote);
    if (entry.isHostMatch(target.host(), target.port())) {
      return true;
    }
    // Also accept entries written for the resolved address, as OpenSSH's CheckHostIP does.
    return remote != null
        && remote.getAddress() != null
        && entry.isHostMatch(remote.getAddress().getHostAddress(), remote.getPort());
  }

  private static PublicKey resolve(KnownHostEntry entry) {
    AuthorizedKeyEntry keyEntry = entry.getKeyEntry();
    if (keyEntry == null) {
      return null;
    }
    try {
      return keyEntry.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
    } catch (IOException | GeneralSecurityException e) {
      return null;
    }
  }

  private record HostPort(String host, int port) {
    static HostPort parse(String connectAddress, InetSocketAddress remote) {
      int port = remote == null ? 22 : remote.getPort();
      String host = connectAddress;
      if (host.startsWith("[")) {
        int close = host.indexOf(']');
        if (close > 0) {
          String rest = host.substring(close + 1);
          if (rest.startsWith(":")) {
            try {
              port = Integer.parseInt(rest.substring(1));
            } catch (NumberFormatException e) {
              // keep the remote port
            }
          }
          host = host.substring(1, close);
        }
      } else if (host.indexOf(':') > 0 && host.indexOf(':') == host.lastIndexOf(':')) {
        host = host.substring(0, host.indexOf(':'));
      }
      return new HostPort(host, port);
    }
  }
}
