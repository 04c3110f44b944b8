package dev.gitops4j.source.internal;

import java.io.File;
import java.io.IOException;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps JGit away from the user's {@code ~/.gitconfig}, the XDG config and the system {@code
 * /etc/gitconfig} while a source works, so settings such as {@code url.*.insteadOf}, proxies or
 * {@code http.sslVerify=false} on the host cannot change what a source fetches.
 *
 * <p>JGit reads those files through the process-wide {@link SystemReader}. This class wraps the
 * current reader once and answers with empty configs only on threads inside {@link #enter()}; every
 * other thread, and every other JGit user in the process, still sees the delegate's answers. If
 * someone later replaces the reader, the next {@link #enter()} wraps the new one.
 */
public final class IsolatedSystemReader extends SystemReader.Delegate {

  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final SystemReader delegate;

  private IsolatedSystemReader(SystemReader delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  /** Isolates the calling thread until the returned scope is closed. Scopes nest. */
  public static Scope enter() {
    install();
    DEPTH.get()[0]++;
    return () -> DEPTH.get()[0]--;
  }

  private static synchronized void install() {
    SystemReader current = SystemReader.getInstance();
    if (!(current instanceof IsolatedSystemReader)) {
      SystemReader.setInstance(new IsolatedSystemReader(current));
    }
  }

  private static boolean isolated() {
    return DEPTH.get()[0] > 0;
  }

  @Override
  public FileBasedConfig openUserConfig(Config parent, FS fs) {
    return isolated() ? new EmptyConfig(parent, fs) : delegate.openUserConfig(parent, fs);
  }

  @Override
  public FileBasedConfig openSystemConfig(Config parent, FS fs) {
    return isolated() ? new EmptyConfig(parent, fs) : delegate.openSystemConfig(parent, fs);
  }

  @Override
  public FileBasedConfig openJGitConfig(Config parent, FS fs) {
    return isolated() ? new EmptyConfig(parent, fs) : delegate.openJGitConfig(parent, fs);
  }

  @Override
  public StoredConfig getUserConfig() throws ConfigInvalidException, IOException {
    return isolated() ? new EmptyConfig(null, FS.DETECTED) : delegate.getUserConfig();
  }

  @Override
  public StoredConfig getSystemConfig() throws ConfigInvalidException, IOException {
    return isolated() ? new EmptyConfig(null, FS.DETECTED) : delegate.getSystemConfig();
  }

  @Override
  public StoredConfig getJGitConfig() throws ConfigInvalidException, IOException {
    return isolated() ? new EmptyConfig(null, FS.DETECTED) : delegate.getJGitConfig();
  }

  /** Closing ends the isolation of the current thread. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** A config that is always empty and never touches the disk. */
  private static final class EmptyConfig extends FileBasedConfig {
    EmptyConfig(Config parent, FS fs) {
      super(parent, new File(".gitops4j-no-config"), fs);
    }

    @Override
    public void load() {
      clear();
    }

    @Override
    public void save() throws IOException {
      throw new IOException("isolated configuration cannot be saved");
    }

    @Override
    public boolean isOutdated() {
      return false;
    }
  }
}
