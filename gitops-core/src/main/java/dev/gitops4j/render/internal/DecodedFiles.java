package dev.gitops4j.render.internal;

import dev.gitops4j.internal.Digests;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.source.SourceFile;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifests of recently decoded files, by path and exact content, so that rendering a new
 * revision decodes only the files that changed. Decoding is a pure function of path and bytes and
 * manifests are immutable, so a hit is the same result a fresh decode would give. Files that failed
 * to decode are not kept. Least recently used entries leave first once either bound is reached.
 * Thread-safe.
 */
public final class DecodedFiles {

  private final int maxFiles;
  private final long maxBytes;
  private final LinkedHashMap<Key, List<Manifest>> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  /**
   * @param maxFiles most files kept
   * @param maxBytes most file content decoded and kept, in bytes of the files
   */
  public DecodedFiles(int maxFiles, long maxBytes) {
    if (maxFiles < 0 || maxBytes < 0) {
      throw new IllegalArgumentException("bounds must not be negative");
    }
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  /** The manifests decoded earlier from a file with this path and content, or null. */
  public synchronized List<Manifest> get(SourceFile file) {
    return entries.get(new Key(file.path(), file.content()));
  }

  /** Remembers what {@code file} decoded to. */
  public synchronized void put(SourceFile file, List<Manifest> manifests) {
    long size = file.content().length;
    if (size > maxBytes || maxFiles == 0) {
      return;
    }
    List<Manifest> previous =
        entries.put(new Key(file.path(), file.content()), List.copyOf(manifests));
    if (previous == null) {
      bytes += size;
    }
    Iterator<Map.Entry<Key, List<Manifest>>> eldest = entries.entrySet().iterator();
    while ((entries.size() > maxFiles || bytes > maxBytes) && eldest.hasNext()) {
      bytes -= eldest.next().getKey().length;
      eldest.remove();
    }
  }

  /** Files kept. */
  public synchronized int size() {
    return entries.size();
  }

  /**
   * Path and SHA-256 of a file's bytes: the digest stands for the bytes, so the cache does not keep
   * a second copy of every file it knows.
   */
  private static final class Key {
    final String path;
    final byte[] digest;
    final int length;
    final int hash;

    Key(String path, byte[] content) {
      this.path = path;
      this.digest = Digests.sha256().digest(content);
      this.length = content.length;
      this.hash = 31 * path.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && hash == key.hash
          && length == key.length
          && path.equals(key.path)
          && Arrays.equals(digest, key.digest);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
