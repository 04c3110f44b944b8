package dev.gitops4j.benchmarks.e2e;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * What one SSH client opened, per host (told apart by the server's port): SSH sessions
 * (connections), channels, exec commands and SFTP subsystems; plus the transport calls, reads and
 * writes, of the targets using it.
 */
final class SshCounters {

  /** One reading of every counter, to subtract two of them. */
  record Snapshot(
      Map<String, Long> sessions,
      Map<String, Long> channels,
      Map<String, Long> execs,
      Map<String, Long> sftp,
      long reads,
      int writes) {}

  private final Map<Integer, String> hostsByPort;
  private final Map<String, LongAdder> sessions = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> channels = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> execs = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> sftp = new ConcurrentHashMap<>();
  private final LongAdder reads = new LongAdder();
  private final List<String> writes = new CopyOnWriteArrayList<>();

  SshCounters(Map<Integer, String> hostsByPort) {
    this.hostsByPort = Map.copyOf(hostsByPort);
  }

  /** Counts what {@code client} opens from now on. */
  void attach(SshClient client) {
    client.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionCreated(Session session) {
            count(sessions, session);
          }
        });
    client.addChannelListener(
        new ChannelListener() {
          @Override
          public void channelOpenSuccess(Channel channel) {
            Session session = channel.getSession();
            count(channels, session);
            if (channel instanceof ChannelExec) {
              count(execs, session);
            } else if (channel instanceof ChannelSubsystem) {
              count(sftp, session);
            }
          }
        });
  }

  private void count(Map<String, LongAdder> counts, Session session) {
    SocketAddress remote = session.getIoSession().getRemoteAddress();
    String host =
        remote instanceof InetSocketAddress inet
            ? hostsByPort.getOrDefault(inet.getPort(), "?")
            : "?";
    counts.computeIfAbsent(host, h -> new LongAdder()).increment();
  }

  void read() {
    reads.increment();
  }

  void write(String host, String what) {
    writes.add(host + ": " + what);
  }

  /** The writes recorded since {@code from} was taken. */
  List<String> writesSince(Snapshot from) {
    return List.copyOf(writes.subList(from.writes(), writes.size()));
  }

  Snapshot snapshot() {
    return new Snapshot(
        read(sessions), read(channels), read(execs), read(sftp), reads.sum(), writes.size());
  }

  private static Map<String, Long> read(Map<String, LongAdder> counts) {
    Map<String, Long> out = new ConcurrentHashMap<>();
    counts.forEach((host, n) -> out.put(host, n.sum()));
    return out;
  }
}
