package dev.gitops4j.history;

import dev.gitops4j.history.internal.ChainVerifier;
import dev.gitops4j.history.internal.HistoryCodec;
import dev.gitops4j.history.internal.LineFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History kept in an append-only <a href="https://jsonlines.org">JSON Lines</a> file: one record
 * per line, UTF-8, {@code \n}-terminated, oldest first.
 *
 * <p>Each line carries {@code prev}, the SHA-256 (hex) of the previous line's exact bytes (64 zeros
 * for the first line), and {@code hash}, the SHA-256 of the record's canonical form including
 * {@code prev}. {@link #verify()} therefore detects a record that was edited, removed, inserted or
 * moved, as well as a truncated or garbage line, and names the first bad line. Removing records
 * from the <em>end</em> leaves a valid shorter chain; to detect that, store {@link #head()}
 * somewhere else (a log line, a Git note, a metric) and compare later.
 *
 * <p>Appends are safe across threads, store instances and processes that use this class on the same
 * file: each append holds an exclusive file lock, re-reads the last line if another process
 * appended meanwhile, and writes the whole line with one write to a channel opened in append mode.
 * With {@code fsync} (the default) each append is forced to disk before it returns.
 *
 * <p>Reads stream the file: {@link #list} reads backwards from the end and stops once it has {@code
 * limit} records; {@link #verify} reads forwards one line at a time. Memory stays bounded by the
 * longest line, whatever the file size.
 *
 * <p>Size: the file grows by one line per reconcile pass (a few hundred bytes plus the redacted
 * diff) and is never rewritten. To bound it, rotate externally: close the store, rename the file,
 * and open a new one. The new file starts a new chain; keep the old file's {@link #head()} to link
 * the two.
 */
public final class JsonLinesHistoryStore implements HistoryStore, Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesHistoryStore.class);

  // An OS file lock is held per process and cannot be taken twice within one, so threads and
  // store instances of this process first queue on one lock per file. One entry per file opened.
  private static final ConcurrentMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final boolean fsync;
  private final FileChannel channel;
  private final ReentrantLock lock;
  private long knownSize;
  private String head;

  private JsonLinesHistoryStore(Path file, boolean fsync, FileChannel channel) throws IOException {
    this.file = file;
    this.fsync = fsync;
    this.channel = channel;
    this.lock = PROCESS_LOCKS.computeIfAbsent(file.toRealPath(), p -> new ReentrantLock());
  }

  /** Opens (creating if needed) the history file, forcing every append to disk. */
  public static JsonLinesHistoryStore open(Path file) throws IOException {
    return open(file, true);
  }

  /**
   * Opens (creating the file and its parent directories if needed) the history file and resumes the
   * chain from its last line.
   *
   * @param fsync whether each append waits until the line is on disk
   * @throws IOException if the file cannot be opened or its last line is incomplete (a torn write
   *     or truncation; the message names the line; see {@link #setAsideTornLine(Path)})
   */
  public static JsonLinesHistoryStore open(Path file, boolean fsync) throws IOException {
    Objects.requireNonNull(file, "file");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    try {
      JsonLinesHistoryStore store = new JsonLinesHistoryStore(file, fsync, channel);
      store.withFileLock(
          () -> {
            store.resume();
            return null;
          });
      return store;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Recovers from a crash in the middle of an append: moves an incomplete last line (no final
   * newline) out of the history file into {@code <file>.torn-<n>} next to it, so the chain can be
   * extended again. A line without its newline was never acknowledged by {@link #append}, so no
   * record is lost; the side file keeps the bytes for inspection. Complete lines are never touched:
   * an edited or removed record still fails {@link #verify()}.
   *
   * <p>Call it before {@link #open} (it takes the same file lock), after deciding that a torn line
   * is a crash and not tampering, which the history cannot tell apart.
   *
   * @return the side file, or empty when the last line was complete
   */
  public static java.util.Optional<Path> setAsideTornLine(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Path real = file.toRealPath();
    ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(real, p -> new ReentrantLock());
    processLock.lock();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      long size = channel.size();
      long[] tornLength = {0};
      LineFiles.backward(
          file,
          size,
          (line, terminated) -> {
            if (!terminated) {
              tornLength[0] = line.length;
            }
            return false;
          });
      if (tornLength[0] == 0) {
        return java.util.Optional.empty();
      }
      byte[] torn = new byte[(int) tornLength[0]];
      try (FileChannel read = FileChannel.open(file, StandardOpenOption.READ)) {
        read.read(ByteBuffer.wrap(torn), size - torn.length);
      }
      Path side = null;
      for (int n = 1; side == null; n++) {
        Path candidate = file.resolveSibling(file.getFileName() + ".torn-" + n);
        if (!Files.exists(candidate)) {
          side = candidate;
        }
      }
      Files.write(side, torn, StandardOpenOption.CREATE_NEW);
      channel.truncate(size - torn.length);
      channel.force(true);
      LOG.warn("{}: moved an incomplete last line ({} bytes) to {}", file, torn.length, side);
      return java.util.Optional.of(side);
    } finally {
      processLock.unlock();
    }
  }

  /** The history file. */
  public Path file() {
    return file;
  }

  @Override
  public void append(HistoryRecord record) throws IOException {
    Objects.requireNonNull(record, "record");
    withFileLock(
        () -> {
          refresh();
          byte[] line = HistoryCodec.encode(record, head);
          ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
          while (buf.hasRemaining()) {
            channel.write(buf);
          }
          if (fsync) {
            channel.force(false);
          }
          head = HistoryCodec.lineHash(line);
          knownSize += line.length + 1;
          return null;
        });
  }

  @Override
  public List<HistoryRecord> list(String application, int limit) throws IOException {
    Objects.requireNonNull(application, "application");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    List<HistoryRecord> out = new ArrayList<>(Math.min(limit, 256));
    if (limit == 0) {
      return out;
    }
    long end = completeSize();
    LineFiles.backward(
        file,
        end,
        (line, terminated) -> {
          if (!terminated) {
            return true;
          }
          try {
            HistoryRecord record = HistoryCodec.decode(line).record();
            if (record.application().equals(application)) {
              out.add(record);
            }
          } catch (HistoryCodec.MalformedLineException e) {
            LOG.warn("{}: skipping unreadable history line: {}", file, e.getMessage());
          }
          return out.size() < limit;
        });
    return out;
  }

  @Override
  public Verification verify() throws IOException {
    return verify(file, completeSize());
  }

  /**
   * Checks a history file without opening it for writing, e.g. from a command line tool or on a
   * copy. Also works on a file whose last line is incomplete, which {@link #open} refuses.
   */
  public static Verification verify(Path file) throws IOException {
    return verify(file, Long.MAX_VALUE);
  }

  private static Verification verify(Path file, long end) throws IOException {
    ChainVerifier verifier = new ChainVerifier();
    LineFiles.forward(file, end, verifier::accept);
    return verifier.result();
  }

  /**
   * SHA-256 of the last line, or 64 zeros for an empty file: the value the next record's {@code
   * prev} will hold. Keep it outside the file to detect later removal of records from the end.
   */
  public String head() throws IOException {
    return withFileLock(
        () -> {
          refresh();
          return head;
        });
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "JsonLinesHistoryStore[" + file + "]";
  }

  /** Size of the file at a moment when no append of ours or of another process was half done. */
  private long completeSize() throws IOException {
    return withFileLock(channel::size);
  }

  /** Another process may have appended since our last look: re-read its last line. */
  private void refresh() throws IOException {
    if (channel.size() != knownSize) {
      resume();
    }
  }

  private void resume() throws IOException {
    long size = channel.size();
    String[] last = {HistoryCodec.GENESIS};
    boolean[] torn = {false};
    LineFiles.backward(
        file,
        size,
        (line, terminated) -> {
          if (terminated) {
            last[0] = HistoryCodec.lineHash(line);
          } else {
            torn[0] = true;
          }
          return false;
        });
    if (torn[0]) {
      long lineNo = LineFiles.countLines(file) + 1;
      throw new IOException(
          file
              + ":"
              + lineNo
              + ": incomplete last line (torn write or truncation); refusing to extend the"
              + " history until that line is inspected and removed"
              + " (JsonLinesHistoryStore.setAsideTornLine moves it to a side file)");
    }
    head = last[0];
    knownSize = size;
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private <T> T withFileLock(IoAction<T> action) throws IOException {
    lock.lock();
    try (FileLock ignored = channel.lock()) {
      return action.run();
    } finally {
      lock.unlock();
    }
  }
}
