package dev.gitops4j.source.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive lock on one cache directory, across threads of this process (a lock object per path)
 * and across processes (an OS file lock on {@code <dir>.lock} beside the directory).
 */
public final class CacheLock implements AutoCloseable {

  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock fileLock;

  private CacheLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
    this.local = local;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /**
   * Waits up to {@code timeoutMillis} for the lock.
   *
   * @throws IOException when the lock cannot be taken in time or the lock file cannot be opened
   */
  public static CacheLock acquire(Path cacheDir, long timeoutMillis) throws IOException {
    Path dir = cacheDir.toAbsolutePath().normalize();
    ReentrantLock local = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
    try {
      if (!local.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw new IOException("timed out waiting for the lock on cache " + dir);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the lock on cache " + dir, e);
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(dir.getParent());
      channel =
          FileChannel.open(
              dir.resolveSibling(dir.getFileName() + ".lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      // Other processes hold it for one fetch at most; blocking is bounded by their timeouts.
      FileLock fileLock = channel.lock();
      return new CacheLock(local, channel, fileLock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      fileLock.release();
      channel.close();
    } finally {
      local.unlock();
    }
  }
}
