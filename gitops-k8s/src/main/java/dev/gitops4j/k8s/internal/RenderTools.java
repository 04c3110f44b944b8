package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** What the external renderers (kustomize, helm) share: a snapshot on disk, bounded output. */
final class RenderTools {

  /** Most output a renderer may produce. */
  static final long MAX_OUTPUT = 64L * 1024 * 1024;

  private RenderTools() {}

  /** Writes every file of {@code snapshot} under {@code root}. */
  static void write(Snapshot snapshot, Path root) throws IOException, InvalidDesiredStateException {
    for (SourceFile file : snapshot.files()) {
      Path target = root.resolve(file.path()).normalize();
      if (!target.startsWith(root)) {
        throw new InvalidDesiredStateException(
            new Problem(Origin.of(file.path(), 0), "path escapes the source root"));
      }
      Files.createDirectories(target.getParent());
      Files.write(target, file.content());
    }
  }

  /** Reads {@code in} to its end in the background, failing past {@link #MAX_OUTPUT} bytes. */
  static CompletableFuture<byte[]> drain(InputStream in, String tool) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            long total = 0;
            while ((n = in.read(chunk)) >= 0) {
              total += n;
              if (total > MAX_OUTPUT) {
                throw new IOException(tool + " output exceeds " + MAX_OUTPUT + " bytes");
              }
              buffer.write(chunk, 0, n);
            }
            return buffer.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temp folder is harmless.
    }
  }
}
