package dev.gitops4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Files replaced atomically, so that a crash leaves either the old or the new content. */
public final class AtomicFiles {

  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to a temporary file next to {@code target}, forces it to disk, then
   * renames it over {@code target}. The parent folder is created if missing.
   */
  public static void replace(Path target, byte[] bytes) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temp = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * A file name for {@code name} (an application name, say): anything but {@code [A-Za-z0-9._-]}
   * and a leading dot is percent-encoded, so distinct names never share a file.
   */
  public static String safeName(String name) {
    StringBuilder safe = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || (c == '.' && safe.length() > 0)) {
        safe.append(c);
      } else {
        safe.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return safe.toString();
  }
}
