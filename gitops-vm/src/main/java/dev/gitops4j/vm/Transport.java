package dev.gitops4j.vm;

import dev.gitops4j.vm.internal.AccountLookup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The few operations the VM target needs on one host. Paths are absolute host paths; nothing
 * follows a symlink at the path itself (a link is reported and replaced as a link). One instance
 * serves one host, from one pass to the next while it stays {@link #isOpen() open}, and is not
 * shared between threads without its own locking.
 *
 * <p>Built in: a local transport (java.nio, for an agent on the host itself) and an SSH transport
 * (Apache MINA SSHD, exec and SFTP). Every method is bounded by the transport's timeouts.
 */
public interface Transport extends AutoCloseable {

  /** What a path is. */
  enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    OTHER
  }

  /**
   * The observed state of one path, without following a symlink at the path.
   *
   * @param type what the path is
   * @param mode permission bits as four octal digits ({@code 0644}); empty for symlinks
   * @param owner owning user name
   * @param group owning group name
   * @param sha256 hex SHA-256 of the content for files, empty otherwise
   * @param target link target for symlinks, empty otherwise
   */
  record Stat(Type type, String mode, String owner, String group, String sha256, String target) {
    public Stat {
      Objects.requireNonNull(type, "type");
      mode = mode == null ? "" : mode;
      owner = owner == null ? "" : owner;
      group = group == null ? "" : group;
      sha256 = sha256 == null ? "" : sha256;
      target = target == null ? "" : target;
    }
  }

  /**
   * Result of a command.
   *
   * @param exitCode the exit status
   * @param output standard output and error, truncated to a few kilobytes
   */
  record ExecResult(int exitCode, String output) {}

  /** The host this transport reaches, for messages. */
  String host();

  /** The state of each path, in order; empty where nothing exists. */
  List<Optional<Stat>> stat(List<String> paths) throws IOException;

  /** The content of a file, or empty when it does not exist. */
  Optional<byte[]> read(String path) throws IOException;

  /**
   * Replaces the file at {@code path} atomically: the content goes to a temporary file in the same
   * directory, is forced to disk, gets its mode and owner, and is renamed over {@code path}. A
   * failure at any point leaves the old file as it was.
   *
   * @param mode octal permission bits
   * @param owner owner to set, or {@code null} to keep the writer's
   * @param group group to set, or {@code null} to keep the writer's
   */
  void writeAtomically(String path, byte[] content, int mode, String owner, String group)
      throws IOException;

  /** Creates a directory (parents must exist) with {@code mode}. */
  void mkdir(String path, int mode) throws IOException;

  /** Sets permission bits. */
  void chmod(String path, int mode) throws IOException;

  /** Sets owner and/or group; a {@code null} leaves that one unchanged. */
  void chown(String path, String owner, String group) throws IOException;

  /** Creates or atomically replaces a symlink at {@code path} pointing to {@code target}. */
  void symlink(String path, String target) throws IOException;

  /** Deletes a file, a symlink or an empty directory; nothing when {@code path} does not exist. */
  void delete(String path) throws IOException;

  /** True when {@code path} is a directory with entries. */
  boolean isNonEmptyDirectory(String path) throws IOException;

  /**
   * The canonical form of {@code path} with every existing symlink resolved, missing trailing
   * components kept as they are (like {@code readlink -m}).
   */
  String realPath(String path) throws IOException;

  /**
   * {@link #realPath} of each path, in order; transports that pay a round trip per call answer all
   * at once.
   */
  default List<String> realPaths(List<String> paths) throws IOException {
    List<String> out = new ArrayList<>(paths.size());
    for (String path : paths) {
      out.add(realPath(path));
    }
    return out;
  }

  /**
   * The names among {@code users} that are not users on the host, so a file's owner can be checked
   * before anything is written. Numeric ids are taken as they are, like {@code chown} does. By
   * default the host is asked with {@code getent passwd} through {@link #exec}; without {@code
   * getent} nothing is reported unknown (the write itself then refuses a bad owner).
   */
  default Set<String> unknownUsers(Set<String> users) throws IOException {
    return AccountLookup.unknown(this, "passwd", users);
  }

  /** Like {@link #unknownUsers}, for group names ({@code getent group}). */
  default Set<String> unknownGroups(Set<String> groups) throws IOException {
    return AccountLookup.unknown(this, "group", groups);
  }

  /**
   * Whether the connection still works. Asked once before a connection kept from an earlier pass is
   * used again; a transport that answers false is closed and a new one opened. The SSH transport
   * asks the host (one keepalive request and its answer). By default true.
   */
  default boolean isOpen() {
    return true;
  }

  /** Runs a shell command on the host, bounded by {@code timeout}. */
  ExecResult exec(String command, Duration timeout) throws IOException;

  /** Releases the connection; never throws. */
  @Override
  void close();
}
