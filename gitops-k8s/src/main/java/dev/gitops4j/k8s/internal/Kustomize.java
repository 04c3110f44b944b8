package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code kubectl kustomize} over a snapshot written to a temporary folder. */
final class Kustomize {

  static final List<String> FILE_NAMES =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /** The rendered stream is decoded as this file; origins point at its lines. */
  static final String OUTPUT_FILE = "kustomize-build.yaml";

  private final Path kubectl;
  private final Duration timeout;

  Kustomize(Path kubectl, Duration timeout) {
    this.kubectl = kubectl;
    this.timeout = timeout;
  }

  /** The kustomization file at the root of the snapshot, if any. */
  static Optional<String> kustomization(Snapshot snapshot) {
    return FILE_NAMES.stream().filter(n -> snapshot.file(n).isPresent()).findFirst();
  }

  /** The snapshot kustomize builds, as one multi-document file. */
  SourceFile build(Snapshot snapshot, String kustomizationFile)
      throws InvalidDesiredStateException {
    Origin origin = Origin.of(kustomizationFile, 0);
    Path tool = resolveTool(origin);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("gitops4j-kustomize");
      RenderTools.write(snapshot, dir);
      Process process =
          new ProcessBuilder(tool.toString(), "kustomize", dir.toString())
              .directory(dir.toFile())
              .start();
      process.getOutputStream().close();
      CompletableFuture<byte[]> out = RenderTools.drain(process.getInputStream(), "kustomize");
      CompletableFuture<byte[]> err = RenderTools.drain(process.getErrorStream(), "kustomize");
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new InvalidDesiredStateException(
            new Problem(origin, "kubectl kustomize did not finish within " + timeout));
      }
      byte[] stdout = out.join();
      if (process.exitValue() != 0) {
        String stderr =
            new String(err.join(), StandardCharsets.UTF_8).replace(dir + "/", "").strip();
        throw new InvalidDesiredStateException(
            new Problem(origin, "kubectl kustomize failed: " + stderr));
      }
      return new SourceFile(OUTPUT_FILE, stdout);
    } catch (IOException e) {
      throw new InvalidDesiredStateException(
          new Problem(origin, "cannot run kubectl kustomize: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidDesiredStateException(
          new Problem(origin, "interrupted while running kubectl kustomize"));
    } finally {
      if (dir != null) {
        RenderTools.deleteTree(dir);
      }
    }
  }

  private Path resolveTool(Origin origin) throws InvalidDesiredStateException {
    if (kubectl != null) {
      if (!Files.isExecutable(kubectl)) {
        throw new InvalidDesiredStateException(
            new Problem(
                origin,
                "a kustomization needs kubectl, but " + kubectl + " is not an executable file"));
      }
      return kubectl;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(entry, "kubectl");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new InvalidDesiredStateException(
        new Problem(
            origin,
            "a kustomization needs kubectl, which is not on the PATH; set it with"
                + " KubernetesTarget.builder(client).kubectl(path)"));
  }
}
