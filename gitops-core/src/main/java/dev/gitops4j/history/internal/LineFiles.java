package dev.gitops4j.history.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Streams the lines of a {@code \n}-terminated file forwards or backwards, in bounded memory. */
public final class LineFiles {

  private static final int CHUNK = 64 * 1024;

  private LineFiles() {}

  /** Receives lines; returns false to stop. */
  @FunctionalInterface
  public interface LineVisitor {
    boolean visit(byte[] line, boolean terminated) throws IOException;
  }

  /**
   * Visits the lines of the first {@code end} bytes oldest first. Memory: one line at a time. An
   * unterminated tail, if any, comes last with {@code terminated == false}.
   */
  public static void forward(Path file, long end, LineVisitor visitor) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[CHUNK];
      ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
      long remaining = end;
      int n;
      while (remaining > 0 && (n = in.read(buf, 0, (int) Math.min(CHUNK, remaining))) > 0) {
        remaining -= n;
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            line.write(buf, start, i - start);
            if (!visitor.visit(line.toByteArray(), true)) {
              return;
            }
            line.reset();
            start = i + 1;
          }
        }
        line.write(buf, start, n - start);
      }
      if (line.size() > 0) {
        visitor.visit(line.toByteArray(), false);
      }
    }
  }

  /**
   * Visits the lines of the first {@code end} bytes newest first, reading the file backwards in
   * chunks. An unterminated tail, if any, comes first with {@code terminated == false}.
   */
  public static void backward(Path file, long end, LineVisitor visitor) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = Math.min(end, ch.size());
      byte[] pending = new byte[0]; // file bytes [pos, pos + len) not yet visited
      int len = 0;
      boolean tail = true;
      while (true) {
        int nl = lastIndexOf(pending, len, (byte) '\n');
        if (nl >= 0) {
          byte[] line = Arrays.copyOfRange(pending, nl + 1, len);
          len = nl;
          if (tail) {
            tail = false;
            if (line.length > 0 && !visitor.visit(line, false)) {
              return;
            }
          } else if (!visitor.visit(line, true)) {
            return;
          }
          continue;
        }
        if (pos == 0) {
          if (len > 0 || !tail) {
            visitor.visit(Arrays.copyOf(pending, len), !tail);
          }
          return;
        }
        int n = (int) Math.min(CHUNK, pos);
        byte[] grown = new byte[n + len];
        ByteBuffer buf = ByteBuffer.wrap(grown, 0, n);
        while (buf.hasRemaining()) {
          if (ch.read(buf, pos - n + buf.position()) < 0) {
            throw new IOException(file + " shrank while being read");
          }
        }
        System.arraycopy(pending, 0, grown, n, len);
        pending = grown;
        len += n;
        pos -= n;
      }
    }
  }

  /** Number of complete ({@code \n}-terminated) lines. */
  public static long countLines(Path file) throws IOException {
    long[] count = {0};
    forward(
        file,
        Long.MAX_VALUE,
        (line, terminated) -> {
          if (terminated) {
            count[0]++;
          }
          return true;
        });
    return count[0];
  }

  private static int lastIndexOf(byte[] bytes, int len, byte b) {
    for (int i = len - 1; i >= 0; i--) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
