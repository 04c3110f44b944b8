package dev.gitops4j.vm.internal;

import static dev.gitops4j.vm.internal.PathRules.shellQuote;

import dev.gitops4j.vm.SshOptions;
import dev.gitops4j.vm.Transport;
import dev.gitops4j.vm.VmHost;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One SSH connection to one host (Apache MINA SSHD): commands over exec channels, file content over
 * SFTP. Stat of many paths is one command ({@code stat}, {@code sha256sum}, {@code readlink} from
 * GNU coreutils). Every operation is bounded by {@link SshOptions#operationTimeout()}.
 */
public final class SshTransport implements Transport {

  /** Prefix of every line the stat script prints, to tell it from login-script noise. */
  private static final String MARK = "@gitops4j@";

  private static final int OUTPUT_LIMIT = 8192;

  private final VmHost host;
  private final SshOptions options;
  private final ClientSession session;
  private SftpClient sftp;

  private SshTransport(VmHost host, SshOptions options, ClientSession session) {
    this.host = host;
    this.options = options;
    this.session = session;
  }

  /**
   * Connects and authenticates; the host key must be in the client's known_hosts.
   *
   * @throws IOException naming the host when it cannot be reached, its key is refused or
   *     authentication fails
   */
  public static SshTransport connect(SshClient client, VmHost host, SshOptions options)
      throws IOException {
    String user = host.user().isEmpty() ? options.defaultUser() : host.user();
    ClientSession session = null;
    try {
      session =
          client
              .connect(user, host.address(), host.port())
              .verify(options.connectTimeout())
              .getSession();
      for (KeyPair key : options.keyPairs()) {
        session.addPublicKeyIdentity(key);
      }
      session.auth().verify(options.authTimeout());
      return new SshTransport(host, options, session);
    } catch (IOException | RuntimeException e) {
      if (session != null) {
        session.close(true);
      }
      throw new IOException(
          "host "
              + host.name()
              + " ("
              + user
              + "@"
              + host.address()
              + ":"
              + host.port()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String host() {
    return host.name();
  }

  /** Whether the session is open, without asking the host. */
  boolean sessionOpen() {
    return session.isOpen() && !session.isClosing();
  }

  /** Whether the session is open and the host answers a keepalive within the connect timeout. */
  @Override
  public synchronized boolean isOpen() {
    if (!sessionOpen()) {
      return false;
    }
    try {
      Buffer request =
          session.createBuffer(
              SshConstants.SSH_MSG_GLOBAL_REQUEST, SshClients.KEEPALIVE.length() + 8);
      request.putString(SshClients.KEEPALIVE);
      request.putBoolean(true);
      // Any answer will do: OpenSSH refuses the request, which still proves the connection works.
      session.request(SshClients.KEEPALIVE, request, options.connectTimeout());
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public synchronized List<Optional<Stat>> stat(List<String> paths) throws IOException {
    List<Optional<Stat>> out = new ArrayList<>(paths.size());
    if (paths.isEmpty()) {
      return out;
    }
    // One command, and a fixed number of processes whatever the number of paths: one stat for
    // every existing path, one sha256sum for every regular file, a readlink per symlink. A
    // process per path made the host's cost of a pass grow with the files it manages.
    StringBuilder script = new StringBuilder("printf '" + MARK + "\\n'; set --; for p in");
    for (String path : paths) {
      script.append(' ').append(shellQuote(path));
    }
    script.append(
        "; do if [ -e \"$p\" ] || [ -L \"$p\" ]; then set -- \"$@\" \"$p\"; fi; done;"
            + " [ $# -eq 0 ] && exit 0;"
            + " stat -c '"
            + MARK
            + "s%F\t%a\t%U\t%G\t%n' -- \"$@\" || exit 3;"
            + " for p do if [ -L \"$p\" ]; then printf '"
            + MARK
            + "l%s\\t' \"$p\"; readlink -- \"$p\" || exit 5; fi; done;"
            + " n=$#; for p do if [ -f \"$p\" ] && [ ! -L \"$p\" ]; then set -- \"$@\" \"$p\"; fi;"
            + " done; shift $n; [ $# -eq 0 ] && exit 0; printf '"
            + MARK
            + "h\\n'; sha256sum -- \"$@\" || exit 4");
    ExecResult result = run(script.toString(), null, Integer.MAX_VALUE);
    if (result.exitCode() != 0) {
      throw new IOException("stat failed on host " + host.name() + ": " + result.output());
    }
    Map<String, String[]> stats = new HashMap<>();
    Map<String, String> links = new HashMap<>();
    Map<String, String> hashes = new HashMap<>();
    boolean ours = false;
    boolean inHashes = false;
    for (String line : result.output().split("\n")) {
      // Lines before the first mark come from login scripts of the remote shell, not from us.
      if (!ours) {
        ours = line.equals(MARK);
      } else if (inHashes) {
        // sha256sum: 64 hex digits, two spaces, the name; a name with a backslash or a newline
        // is escaped, and its line starts with a backslash.
        boolean escaped = line.startsWith("\\");
        String entry = escaped ? line.substring(1) : line;
        if (entry.length() > 66) {
          String name = entry.substring(66);
          hashes.put(escaped ? unescape(name) : name, entry.substring(0, 64));
        }
      } else if (line.equals(MARK + "h")) {
        inHashes = true;
      } else if (line.startsWith(MARK + "s")) {
        String[] f = line.substring(MARK.length() + 1).split("\t", 5);
        if (f.length < 5) {
          throw new IOException("unexpected stat output on host " + host.name() + ": " + line);
        }
        stats.put(f[4], f);
      } else if (line.startsWith(MARK + "l")) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          links.put(line.substring(MARK.length() + 1, tab), line.substring(tab + 1));
        }
      }
    }
    for (String path : paths) {
      String[] f = stats.get(path);
      if (f == null) {
        out.add(Optional.empty());
        continue;
      }
      Type type =
          f[0].startsWith("regular")
              ? Type.FILE
              : f[0].equals("directory")
                  ? Type.DIRECTORY
                  : f[0].equals("symbolic link") ? Type.SYMLINK : Type.OTHER;
      String extra = "";
      if (type == Type.FILE || type == Type.SYMLINK) {
        extra = type == Type.FILE ? hashes.get(path) : links.get(path);
        if (extra == null) {
          throw new IOException(
              "stat on host " + host.name() + ": " + path + " changed while it was observed");
        }
      }
      String mode = HostResourceFields.octal(Integer.parseInt(f[1], 8) & 07777);
      out.add(
          Optional.of(
              new Stat(
                  type,
                  type == Type.SYMLINK ? "" : mode,
                  f[2],
                  f[3],
                  type == Type.FILE ? extra : "",
                  type == Type.SYMLINK ? extra : "")));
    }
    return out;
  }

  /**
   * A name as sha256sum escapes it: a doubled backslash for a backslash, backslash-n for a newline.
   */
  private static String unescape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' && i + 1 < name.length()) {
        char next = name.charAt(++i);
        out.append(next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public synchronized Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = sftp().read(path)) {
      return Optional.of(in.readAllBytes());
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public synchronized void writeAtomically(
      String path, byte[] content, int mode, String owner, String group) throws IOException {
    String dir = PathRules.parent(path);
    String name = path.substring(path.lastIndexOf('/') + 1);
    String temporary = dir + "/." + name + ".gitops4j-" + UUID.randomUUID();
    // Created empty and private first, so no one reads a half-written secret.
    check(
        run("umask 077 && : > " + shellQuote(temporary), null, OUTPUT_LIMIT),
        "create " + temporary);
    boolean renamed = false;
    try {
      SftpClient client = sftp();
      try (SftpClient.CloseableHandle handle =
          client.open(temporary, SftpClient.OpenMode.Write, SftpClient.OpenMode.Truncate)) {
        int offset = 0;
        while (offset < content.length) {
          int chunk = Math.min(32 * 1024, content.length - offset);
          client.write(handle, offset, content, offset, chunk);
          offset += chunk;
        }
        OpenSSHFsyncExtension fsync = client.getExtension(OpenSSHFsyncExtension.class);
        if (fsync != null && fsync.isSupported()) {
          fsync.fsync(handle);
        } else {
          check(run("sync -- " + shellQuote(temporary), null, OUTPUT_LIMIT), "sync " + temporary);
        }
      }
      StringBuilder finish = new StringBuilder();
      finish
          .append("chmod ")
          .append(HostResourceFields.octal(mode))
          .append(' ')
          .append(shellQuote(temporary));
      if (owner != null || group != null) {
        finish
            .append(" && chown -h ")
            .append(shellQuote((owner == null ? "" : owner) + (group == null ? "" : ":" + group)))
            .append(' ')
            .append(shellQuote(temporary));
      }
      // -T: never move into a directory that happens to sit at the path.
      finish
          .append(" && mv -fT -- ")
          .append(shellQuote(temporary))
          .append(' ')
          .append(shellQuote(path));
      check(run(finish.toString(), null, OUTPUT_LIMIT), "replace " + path);
      renamed = true;
    } finally {
      if (!renamed) {
        try {
          run("rm -f -- " + shellQuote(temporary), null, OUTPUT_LIMIT);
        } catch (IOException ignored) {
          // The connection is gone; a stray temporary file is harmless and recognisable.
        }
      }
    }
  }

  @Override
  public synchronized void mkdir(String path, int mode) throws IOException {
    check(
        run(
            "mkdir -m " + HostResourceFields.octal(mode) + " -- " + shellQuote(path),
            null,
            OUTPUT_LIMIT),
        "mkdir " + path);
  }

  @Override
  public synchronized void chmod(String path, int mode) throws IOException {
    check(
        run(
            "chmod " + HostResourceFields.octal(mode) + " -- " + shellQuote(path),
            null,
            OUTPUT_LIMIT),
        "chmod " + path);
  }

  @Override
  public synchronized void chown(String path, String owner, String group) throws IOException {
    String spec = (owner == null ? "" : owner) + (group == null ? "" : ":" + group);
    check(
        run("chown -h " + shellQuote(spec) + " -- " + shellQuote(path), null, OUTPUT_LIMIT),
        "chown " + path);
  }

  @Override
  public synchronized void symlink(String path, String target) throws IOException {
    String temporary = PathRules.parent(path) + "/.gitops4j-link-" + UUID.randomUUID();
    check(
        run(
            "ln -s -- "
                + shellQuote(target)
                + " "
                + shellQuote(temporary)
                + " && mv -fT -- "
                + shellQuote(temporary)
                + " "
                + shellQuote(path)
                + " || { rm -f -- "
                + shellQuote(temporary)
                + "; exit 1; }",
            null,
            OUTPUT_LIMIT),
        "symlink " + path);
  }

  @Override
  public synchronized void delete(String path) throws IOException {
    String p = shellQuote(path);
    check(
        run(
            "if [ -d "
                + p
                + " ] && [ ! -L "
                + p
                + " ]; then rmdir -- "
                + p
                + "; else rm -f -- "
                + p
                + "; fi",
            null,
            OUTPUT_LIMIT),
        "delete " + path);
  }

  @Override
  public synchronized boolean isNonEmptyDirectory(String path) throws IOException {
    String p = shellQuote(path);
    ExecResult result =
        run(
            "[ -d " + p + " ] && [ ! -L " + p + " ] && [ -n \"$(ls -A -- " + p + ")\" ]",
            null,
            OUTPUT_LIMIT);
    return result.exitCode() == 0;
  }

  @Override
  public synchronized String realPath(String path) throws IOException {
    ExecResult result = run("readlink -m -- " + shellQuote(path), null, OUTPUT_LIMIT);
    check(result, "resolve " + path);
    return result.output().strip();
  }

  @Override
  public synchronized List<String> realPaths(List<String> paths) throws IOException {
    List<String> out = new ArrayList<>(paths.size());
    if (paths.isEmpty()) {
      return out;
    }
    StringBuilder script = new StringBuilder("for p in");
    for (String path : paths) {
      script.append(' ').append(shellQuote(path));
    }
    // One marked line per path, so login-script noise is told apart.
    script.append(
        "; do r=$(readlink -m -- \"$p\") || exit 3; printf '" + MARK + "%s\\n' \"$r\"; done");
    ExecResult result = run(script.toString(), null, Integer.MAX_VALUE);
    check(result, "resolve " + paths.size() + " paths");
    for (String line : result.output().split("\n")) {
      if (line.startsWith(MARK)) {
        out.add(line.substring(MARK.length()));
      }
    }
    requireAll("readlink", out.size(), paths.size());
    return out;
  }

  @Override
  public synchronized ExecResult exec(String command, Duration timeout) throws IOException {
    return run(command, null, OUTPUT_LIMIT, timeout);
  }

  private ExecResult run(String command, byte[] stdin, int limit) throws IOException {
    return run(command, stdin, limit, options.operationTimeout());
  }

  private ExecResult run(String command, byte[] stdin, int limit, Duration timeout)
      throws IOException {
    OutputStream out = new Limited(limit);
    OutputStream err = new Limited(limit);
    try (ChannelExec channel = session.createExecChannel(command)) {
      channel.setIn(stdin == null ? null : new ByteArrayInputStream(stdin));
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(options.operationTimeout());
      Set<ClientChannelEvent> events =
          channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new IOException(
            "timed out after "
                + timeout.toSeconds()
                + " s on host "
                + host.name()
                + ": "
                + command);
      }
      Integer exit = channel.getExitStatus();
      int code = exit == null ? -1 : exit;
      // Standard error is kept apart so that noise from the remote shell's login scripts never
      // mixes into parsed output; it is reported when the command fails.
      return new ExecResult(code, code == 0 ? out.toString() : out + err.toString());
    }
  }

  private void check(ExecResult result, String what) throws IOException {
    if (result.exitCode() != 0) {
      throw new IOException(
          "cannot " + what + " on host " + host.name() + ": " + result.output().strip());
    }
  }

  private synchronized SftpClient sftp() throws IOException {
    if (sftp == null || !sftp.isOpen()) {
      sftp = SftpClientFactory.instance().createSftpClient(session);
    }
    return sftp;
  }

  @Override
  public synchronized void close() {
    try {
      if (sftp != null) {
        sftp.close();
      }
    } catch (IOException ignored) {
      // Closing the session below releases it anyway.
    }
    session.close(false);
  }

  /** Keeps the first {@code limit} bytes written to it. */
  private static final class Limited extends ByteArrayOutputStream {
    private final int limit;

    Limited(int limit) {
      this.limit = limit;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = limit - count;
      if (room > 0) {
        super.write(b, off, Math.min(room, len));
      }
    }

    @Override
    public synchronized void write(int b) {
      if (count < limit) {
        super.write(b);
      }
    }

    @Override
    public synchronized String toString() {
      return new String(buf, 0, count, StandardCharsets.UTF_8);
    }
  }

  /** A batch command answers for every path it was given, or the batch failed. */
  private void requireAll(String command, int answered, int asked) throws IOException {
    if (answered != asked) {
      throw new IOException(
          command
              + " on host "
              + host.name()
              + " returned "
              + answered
              + " of "
              + asked
              + " paths");
    }
  }
}
