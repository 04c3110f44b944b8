package dev.gitops4j.source.internal;

import dev.gitops4j.internal.Digests;
import dev.gitops4j.source.SourceFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;

/** Content-addressed revision ids for sources without commits. */
public final class ContentHash {

  private ContentHash() {}

  /** SHA-256, in hex, over the files sorted by path; each path and content is length-prefixed. */
  public static String of(List<SourceFile> files) {
    MessageDigest digest = Digests.sha256();
    files.stream()
        .sorted(Comparator.comparing(SourceFile::path))
        .forEach(
            file -> {
              byte[] path = file.path().getBytes(StandardCharsets.UTF_8);
              digest.update(ByteBuffer.allocate(8).putLong(path.length).array());
              digest.update(path);
              digest.update(ByteBuffer.allocate(8).putLong(file.content().length).array());
              digest.update(file.content());
            });
    return Digests.hex(digest.digest());
  }
}
