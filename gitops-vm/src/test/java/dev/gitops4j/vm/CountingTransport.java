package dev.gitops4j.vm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real transport that records every call, to prove what a pass did on a host: the writes
 * (anything that can change the host: writes, mkdir, chmod, chown, symlink, delete, commands) and
 * the reads.
 */
final class CountingTransport implements Transport {

  /** Calls of every transport it wrapped, in order, e.g. {@code "mkdir /etc/app"}. */
  static final class Calls {
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private final List<String> reads = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    Transport wrap(Transport real) {
      opened.incrementAndGet();
      return new CountingTransport(real, this);
    }

    /** Transports wrapped so far: connections opened. */
    int opened() {
      return opened.get();
    }

    /** Transports closed so far. */
    int closed() {
      return closed.get();
    }

    List<String> writes() {
      return List.copyOf(writes);
    }

    List<String> reads() {
      return List.copyOf(reads);
    }

    void clear() {
      writes.clear();
      reads.clear();
    }
  }

  private final Transport real;
  private final Calls calls;

  private CountingTransport(Transport real, Calls calls) {
    this.real = real;
    this.calls = calls;
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
    calls.reads.add("stat " + paths);
    return real.stat(paths);
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    calls.reads.add("read " + path);
    return real.read(path);
  }

  @Override
  public void writeAtomically(String path, byte[] content, int mode, String owner, String group)
      throws IOException {
    calls.writes.add("write " + path);
    real.writeAtomically(path, content, mode, owner, group);
  }

  @Override
  public void mkdir(String path, int mode) throws IOException {
    calls.writes.add("mkdir " + path);
    real.mkdir(path, mode);
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    calls.writes.add("chmod " + path);
    real.chmod(path, mode);
  }

  @Override
  public void chown(String path, String owner, String group) throws IOException {
    calls.writes.add("chown " + path);
    real.chown(path, owner, group);
  }

  @Override
  public void symlink(String path, String target) throws IOException {
    calls.writes.add("symlink " + path);
    real.symlink(path, target);
  }

  @Override
  public void delete(String path) throws IOException {
    calls.writes.add("delete " + path);
    real.delete(path);
  }

  @Override
  public boolean isNonEmptyDirectory(String path) throws IOException {
    calls.reads.add("isNonEmptyDirectory " + path);
    return real.isNonEmptyDirectory(path);
  }

  @Override
  public String realPath(String path) throws IOException {
    calls.reads.add("realPath " + path);
    return real.realPath(path);
  }

  @Override
  public List<String> realPaths(List<String> paths) throws IOException {
    calls.reads.add("realPaths " + paths);
    return real.realPaths(paths);
  }

  @Override
  public Set<String> unknownUsers(Set<String> users) throws IOException {
    calls.reads.add("unknownUsers " + users);
    return real.unknownUsers(users);
  }

  @Override
  public Set<String> unknownGroups(Set<String> groups) throws IOException {
    calls.reads.add("unknownGroups " + groups);
    return real.unknownGroups(groups);
  }

  @Override
  public ExecResult exec(String command, Duration timeout) throws IOException {
    calls.writes.add("exec " + command);
    return real.exec(command, timeout);
  }

  @Override
  public void close() {
    calls.closed.incrementAndGet();
    real.close();
  }
}
