package dev.gitops4j.vm.internal;

import dev.gitops4j.internal.Digests;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.DigestInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The host the process runs on, through java.nio: for an agent that pulls and applies itself. */
public final class LocalTransport implements Transport {

  /** Points where tests make a write fail, to prove the old file survives. */
  public interface Faults {
    Faults NONE = new Faults() {};

    /** Called after {@code written} bytes of the temporary file were written. */
    default void afterWrite(Path temporary, int written) throws IOException {}

    /** Called just before the temporary file is renamed over the target. */
    default void beforeRename(Path temporary, Path target) throws IOException {}
  }

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final int OUTPUT_LIMIT = 8192;

  private final String host;
  private final Faults faults;

  public LocalTransport(String host) {
    this(host, Faults.NONE);
  }

  public LocalTransport(String host, Faults faults) {
    this.host = host;
    this.faults = faults;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public List<Optional<Stat>> stat(List<String> paths) throws IOException {
    List<Optional<Stat>> out = new ArrayList<>(paths.size());
    for (String path : paths) {
      out.add(statOne(Path.of(path)));
    }
    return out;
  }

  private Optional<Stat> statOne(Path path) throws IOException {
    PosixFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String mode = HostResourceFields.octal(bits(attrs.permissions()));
    String owner = attrs.owner().getName();
    String group = attrs.group().getName();
    if (attrs.isSymbolicLink()) {
      return Optional.of(
          new Stat(Type.SYMLINK, "", owner, group, "", Files.readSymbolicLink(path).toString()));
    }
    if (attrs.isDirectory()) {
      return Optional.of(new Stat(Type.DIRECTORY, mode, owner, group, "", ""));
    }
    if (attrs.isRegularFile()) {
      return Optional.of(new Stat(Type.FILE, mode, owner, group, sha256(path), ""));
    }
    return Optional.of(new Stat(Type.OTHER, mode, owner, group, "", ""));
  }

  private static String sha256(Path path) throws IOException {
    try (DigestInputStream in =
        new DigestInputStream(Files.newInputStream(path), Digests.sha256())) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return Digests.hex(in.getMessageDigest().digest());
    }
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(Path.of(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void writeAtomically(String path, byte[] content, int mode, String owner, String group)
      throws IOException {
    Path target = Path.of(path);
    Path dir = target.getParent();
    Path temporary = dir.resolve("." + target.getFileName() + ".gitops4j-" + UUID.randomUUID());
    boolean renamed = false;
    try {
      // Created with no permissions for others, so no one reads a half-written secret.
      try (FileChannel channel =
          FileChannel.open(
              temporary,
              EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)))) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        int written = 0;
        while (buffer.hasRemaining()) {
          int chunk = Math.min(buffer.remaining(), 64 * 1024);
          ByteBuffer slice = buffer.slice(buffer.position(), chunk);
          while (slice.hasRemaining()) {
            channel.write(slice);
          }
          buffer.position(buffer.position() + chunk);
          written += chunk;
          faults.afterWrite(temporary, written);
        }
        channel.force(true);
      }
      chmod(temporary.toString(), mode);
      if (owner != null || group != null) {
        chown(temporary.toString(), owner, group);
      }
      faults.beforeRename(temporary, target);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename atomically onto " + target, e);
      }
      renamed = true;
      syncDirectory(dir);
    } finally {
      if (!renamed) {
        Files.deleteIfExists(temporary);
      }
    }
  }

  /**
   * Forces the rename to disk; not every file system allows opening a directory, so best effort.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // The rename itself is atomic; only its durability across a power loss is weaker.
    }
  }

  @Override
  public void mkdir(String path, int mode) throws IOException {
    Files.createDirectory(Path.of(path));
    chmod(path, mode);
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    Files.setPosixFilePermissions(Path.of(path), permissions(mode));
  }

  @Override
  public void chown(String path, String owner, String group) throws IOException {
    Path p = Path.of(path);
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, NOFOLLOW);
    if (owner != null) {
      UserPrincipal user = lookup.lookupPrincipalByName(owner);
      if (!user.getName().equals(view.readAttributes().owner().getName())) {
        view.setOwner(user);
      }
    }
    if (group != null) {
      GroupPrincipal principal = lookup.lookupPrincipalByGroupName(group);
      if (!principal.getName().equals(view.readAttributes().group().getName())) {
        view.setGroup(principal);
      }
    }
  }

  @Override
  public void symlink(String path, String target) throws IOException {
    Path link = Path.of(path);
    Path temporary =
        link.getParent().resolve("." + link.getFileName() + ".gitops4j-" + UUID.randomUUID());
    Files.createSymbolicLink(temporary, Path.of(target));
    try {
      Files.move(temporary, link, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  @Override
  public void delete(String path) throws IOException {
    try {
      Files.deleteIfExists(Path.of(path));
    } catch (DirectoryNotEmptyException e) {
      throw new IOException("directory " + path + " is not empty", e);
    }
  }

  @Override
  public boolean isNonEmptyDirectory(String path) throws IOException {
    Path p = Path.of(path);
    if (!Files.isDirectory(p, NOFOLLOW)) {
      return false;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
      return entries.iterator().hasNext();
    }
  }

  @Override
  public String realPath(String path) throws IOException {
    Path p = Path.of(path);
    Path existing = p;
    while (existing != null && !Files.exists(existing, NOFOLLOW)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return p.normalize().toString();
    }
    Path real = existing.toRealPath();
    return real.resolve(existing.relativize(p)).normalize().toString();
  }

  @Override
  public Set<String> unknownUsers(Set<String> users) throws IOException {
    return unknown(users, false);
  }

  @Override
  public Set<String> unknownGroups(Set<String> groups) throws IOException {
    return unknown(groups, true);
  }

  /** Looks names up exactly as {@link #chown} does, so a name it accepts is never reported. */
  private static Set<String> unknown(Set<String> names, boolean groups) throws IOException {
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    Set<String> unknown = new LinkedHashSet<>();
    for (String name : names) {
      try {
        if (groups) {
          lookup.lookupPrincipalByGroupName(name);
        } else {
          lookup.lookupPrincipalByName(name);
        }
      } catch (UserPrincipalNotFoundException e) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  @Override
  public ExecResult exec(String command, Duration timeout) throws IOException {
    Process process =
        new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
    // Read on another thread so the timeout holds even when the command prints nothing; keep the
    // first bytes and drain the rest so the process never blocks on a full pipe.
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  synchronized (output) {
                    if (output.size() < OUTPUT_LIMIT) {
                      output.write(buffer, 0, Math.min(n, OUTPUT_LIMIT - output.size()));
                    }
                  }
                }
              } catch (IOException ignored) {
                // The process is gone.
              }
            },
            "gitops4j-exec-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("command timed out after " + timeout.toSeconds() + " s: " + command);
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running: " + command, e);
    }
    synchronized (output) {
      return new ExecResult(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {}

  static int bits(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (PosixFilePermission permission : permissions) {
      bits |= 1 << (8 - permission.ordinal());
    }
    return bits;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission permission : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - permission.ordinal()))) != 0) {
        out.add(permission);
      }
    }
    return out;
  }
}
