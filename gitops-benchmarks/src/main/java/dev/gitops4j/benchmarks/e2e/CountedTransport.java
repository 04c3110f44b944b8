package dev.gitops4j.benchmarks.e2e;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A real transport that counts what a pass asks of its host, so a no-op pass that writes is caught:
 * every call that can change the host (writes, mkdir, chmod, chown, symlink, delete, commands) is
 * recorded as a write. With {@code perFile} it asks one {@code stat} command per path instead of
 * one for all, the way agentless tools check one file per task.
 */
final class CountedTransport implements Transport {

  private final Transport real;
  private final SshCounters counters;
  private final boolean perFile;

  CountedTransport(Transport real, SshCounters counters, boolean perFile) {
    this.real = real;
    this.counters = counters;
    this.perFile = perFile;
  }

  @Override
  public String host() {
    return real.host();
  }

  @Override
  public boolean isOpen() {
    return real.isOpen();
  }

  @Override
  public List<Optional<Stat>> stat(List<String> paths) throws IOException {
    if (!perFile) {
      counters.read();
      return real.stat(paths);
    }
    List<Optional<Stat>> out = new ArrayList<>(paths.size());
    for (String path : paths) {
      counters.read();
      out.add(real.stat(List.of(path)).get(0));
    }
    return out;
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    counters.read();
    return real.read(path);
  }

  @Override
  public void writeAtomically(String path, byte[] content, int mode, String owner, String group)
      throws IOException {
    counters.write(host(), "write " + path);
    real.writeAtomically(path, content, mode, owner, group);
  }

  @Override
  public void mkdir(String path, int mode) throws IOException {
    counters.write(host(), "mkdir " + path);
    real.mkdir(path, mode);
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    counters.write(host(), "chmod " + path);
    real.chmod(path, mode);
  }

  @Override
  public void chown(String path, String owner, String group) throws IOException {
    counters.write(host(), "chown " + path);
    real.chown(path, owner, group);
  }

  @Override
  public void symlink(String path, String target) throws IOException {
    counters.write(host(), "symlink " + path);
    real.symlink(path, target);
  }

  @Override
  public void delete(String path) throws IOException {
    counters.write(host(), "delete " + path);
    real.delete(path);
  }

  @Override
  public boolean isNonEmptyDirectory(String path) throws IOException {
    counters.read();
    return real.isNonEmptyDirectory(path);
  }

  @Override
  public String realPath(String path) throws IOException {
    counters.read();
    return real.realPath(path);
  }

  @Override
  public List<String> realPaths(List<String> paths) throws IOException {
    counters.read();
    return real.realPaths(paths);
  }

  @Override
  public Set<String> unknownUsers(Set<String> users) throws IOException {
    counters.read();
    return real.unknownUsers(users);
  }

  @Override
  public Set<String> unknownGroups(Set<String> groups) throws IOException {
    counters.read();
    return real.unknownGroups(groups);
  }

  @Override
  public ExecResult exec(String command, Duration timeout) throws IOException {
    // A command can change anything: in a pass that should change nothing it counts as a write.
    counters.write(host(), "exec " + command);
    return real.exec(command, timeout);
  }

  @Override
  public void close() {
    real.close();
  }
}
