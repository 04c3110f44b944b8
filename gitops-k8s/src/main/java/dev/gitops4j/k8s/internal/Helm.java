package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.k8s.HelmRelease;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs {@code helm template} over a chart of a snapshot, as an install of the release would render
 * it on the target cluster ({@code --kube-version}, {@code --api-versions} from discovery, so
 * {@code .Capabilities} is right; {@code lookup} finds nothing, since nothing is asked of the
 * cluster). The output is split by the template each document came from, so origins name the
 * template file (lines count within its rendered output).
 *
 * <p>The last rendering is kept with a digest of everything it depends on (chart files, values
 * files, values, cluster version): a revision that changes none of them does not run helm.
 */
final class Helm {

  private static final String SOURCE = "# Source: ";

  private final Path helm;
  private final Duration timeout;
  private final AtomicLong runs = new AtomicLong();
  private volatile Cached cached;

  private record Cached(String digest, List<SourceFile> files) {}

  Helm(Path helm, Duration timeout) {
    this.helm = helm;
    this.timeout = timeout;
  }

  /** How many times helm ran; for tests and metrics. */
  long runs() {
    return runs.get();
  }

  /**
   * The documents the chart renders to, one source file per template.
   *
   * @param namespace the release namespace
   * @param capabilities {@code --kube-version} and {@code --api-versions} arguments
   * @param remote the chart from a repository or registry, or null for a chart of the revision
   */
  List<SourceFile> template(
      Snapshot snapshot,
      HelmRelease release,
      String namespace,
      List<String> capabilities,
      RemoteChart.Resolved remote)
      throws InvalidDesiredStateException {
    // Origins of a remote chart's templates start with its archive name, e.g. shop-1.2.0.tgz.
    String chartFolder =
        remote == null ? release.chartPath() : remote.name() + "-" + remote.version() + ".tgz";
    String chartFile = join(chartFolder, "Chart.yaml");
    Origin chartOrigin = Origin.of(chartFile, 0);
    if (remote == null && snapshot.file(chartFile).isEmpty()) {
      throw new InvalidDesiredStateException(
          new Problem(chartOrigin, "no Chart.yaml: the Helm release expects a chart here"));
    }
    List<Problem> missing = new ArrayList<>();
    for (String values : release.valuesFiles()) {
      if (snapshot.file(values).isEmpty()) {
        missing.add(new Problem(Origin.of(values, 0), "values file not found in the revision"));
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidDesiredStateException(missing);
    }
    byte[] values = mergedInlineValues(release, chartOrigin);
    String digest = digest(snapshot, release, namespace, capabilities, values, remote);
    Cached last = cached;
    if (last != null && last.digest().equals(digest)) {
      return last.files();
    }
    Path chart = remote == null ? null : remote.archive();
    List<SourceFile> files =
        run(snapshot, release, namespace, capabilities, values, chart, chartFolder, chartOrigin);
    cached = new Cached(digest, files);
    return files;
  }

  private static byte[] mergedInlineValues(HelmRelease release, Origin origin)
      throws InvalidDesiredStateException {
    ObjectNode merged = release.values();
    if (release.valuesFrom() != null) {
      JsonNode computed;
      try {
        computed = release.valuesFrom().get();
      } catch (RuntimeException e) {
        throw new InvalidDesiredStateException(
            new Problem(origin, "the values supplied by the service failed: " + e));
      }
      if (computed != null && !computed.isObject()) {
        throw new InvalidDesiredStateException(
            new Problem(origin, "the values supplied by the service are not an object"));
      }
      if (computed != null) {
        merge(merged, (ObjectNode) computed);
      }
    }
    return merged.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Helm's own merge: objects merge key by key, anything else is replaced. */
  private static void merge(ObjectNode into, ObjectNode from) {
    from.properties()
        .forEach(
            e -> {
              JsonNode existing = into.get(e.getKey());
              if (existing instanceof ObjectNode target
                  && e.getValue() instanceof ObjectNode next) {
                merge(target, next);
              } else {
                into.set(e.getKey(), e.getValue().deepCopy());
              }
            });
  }

  private static String digest(
      Snapshot snapshot,
      HelmRelease release,
      String namespace,
      List<String> capabilities,
      byte[] values,
      RemoteChart.Resolved remote) {
    MessageDigest digest = OwnershipMarks.sha256();
    String prefix = release.chartPath().isEmpty() ? "" : release.chartPath() + "/";
    if (remote != null) {
      update(digest, remote.digest());
    }
    for (SourceFile file : snapshot.files()) {
      // The whole chart folder, and any file a values list names (charts may include siblings
      // through file:// dependencies, which are vendored under charts/ in practice).
      boolean inChart = remote == null && file.path().startsWith(prefix);
      if (inChart || release.valuesFiles().contains(file.path())) {
        update(digest, file.path());
        update(digest, file.content());
      }
    }
    update(digest, release.releaseName());
    update(digest, namespace);
    capabilities.forEach(c -> update(digest, c));
    release.valuesFiles().forEach(f -> update(digest, "-f " + f));
    update(digest, values);
    return OwnershipMarks.hex(digest.digest());
  }

  private static void update(MessageDigest digest, String text) {
    update(digest, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void update(MessageDigest digest, byte[] bytes) {
    digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) ':');
    digest.update(bytes);
  }

  private List<SourceFile> run(
      Snapshot snapshot,
      HelmRelease release,
      String namespace,
      List<String> capabilities,
      byte[] values,
      Path remoteChart,
      String chartFolder,
      Origin chartOrigin)
      throws InvalidDesiredStateException {
    if (helm == null || !Files.isExecutable(helm)) {
      throw new InvalidDesiredStateException(
          new Problem(
              chartOrigin,
              "a Helm release needs the helm binary; set it with"
                  + " KubernetesTarget.builder(client).helm(path)"
                  + (helm == null ? "" : " (" + helm + " is not an executable file)")));
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("gitops4j-helm");
      Path root = dir.resolve("revision");
      RenderTools.write(snapshot, root);
      Path inline = dir.resolve("inline-values.json");
      Files.write(inline, values);
      List<String> command = new ArrayList<>();
      command.add(helm.toString());
      command.add("template");
      command.add(release.releaseName());
      command.add(
          remoteChart != null
              ? remoteChart.toString()
              : root.resolve(release.chartPath()).toString());
      command.add("--namespace");
      command.add(namespace);
      command.add("--include-crds");
      command.add("--skip-tests");
      command.addAll(capabilities);
      for (String file : release.valuesFiles()) {
        command.add("--values");
        command.add(root.resolve(file).toString());
      }
      command.add("--values");
      command.add(inline.toString());
      ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
      // Helm's own state stays in the temporary folder: no repositories, caches or plugins of the
      // machine are used, and nothing is left behind.
      Map<String, String> env = builder.environment();
      env.put("HELM_CACHE_HOME", dir.resolve("cache").toString());
      env.put("HELM_CONFIG_HOME", dir.resolve("config").toString());
      env.put("HELM_DATA_HOME", dir.resolve("data").toString());
      env.remove("KUBECONFIG");
      runs.incrementAndGet();
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<byte[]> out = RenderTools.drain(process.getInputStream(), "helm");
      CompletableFuture<byte[]> err = RenderTools.drain(process.getErrorStream(), "helm");
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new InvalidDesiredStateException(
            new Problem(chartOrigin, "helm template did not finish within " + timeout));
      }
      byte[] stdout = out.join();
      if (process.exitValue() != 0) {
        String stderr =
            new String(err.join(), StandardCharsets.UTF_8)
                .replace(root + "/", "")
                .replace(dir + "/", "")
                .strip();
        throw new InvalidDesiredStateException(
            new Problem(
                chartOrigin,
                "helm template failed"
                    + (release.valuesFiles().isEmpty()
                        ? ""
                        : " with values files " + release.valuesFiles())
                    + ": "
                    + stderr));
      }
      return split(new String(stdout, StandardCharsets.UTF_8), chartFolder);
    } catch (IOException | UncheckedIOException e) {
      throw new InvalidDesiredStateException(
          new Problem(chartOrigin, "cannot run helm template: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidDesiredStateException(
          new Problem(chartOrigin, "interrupted while running helm template"));
    } finally {
      if (dir != null) {
        RenderTools.deleteTree(dir);
      }
    }
  }

  /**
   * Splits helm's output into one file per template: a document's {@code # Source:
   * <chart>/templates/x.yaml} names the template, whose chart name is replaced by the chart's
   * folder in the revision.
   */
  static List<SourceFile> split(String output, String chartPath) {
    Map<String, StringBuilder> byTemplate = new LinkedHashMap<>();
    String current = "helm-template.yaml";
    StringBuilder document = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      if (line.equals("---")) {
        append(byTemplate, current, document);
        document.setLength(0);
        current = "helm-template.yaml";
        continue;
      }
      if (line.startsWith(SOURCE)) {
        String source = line.substring(SOURCE.length()).strip();
        int slash = source.indexOf('/');
        String inChart = slash < 0 ? source : source.substring(slash + 1);
        current = chartPath.isEmpty() ? inChart : chartPath + "/" + inChart;
      }
      document.append(line).append('\n');
    }
    append(byTemplate, current, document);
    List<SourceFile> files = new ArrayList<>();
    byTemplate.forEach(
        (path, text) ->
            files.add(new SourceFile(path, text.toString().getBytes(StandardCharsets.UTF_8))));
    return files;
  }

  private static void append(
      Map<String, StringBuilder> files, String path, StringBuilder document) {
    if (document.toString().isBlank()) {
      return;
    }
    StringBuilder file = files.computeIfAbsent(path, p -> new StringBuilder());
    if (file.length() > 0) {
      file.append("---\n");
    }
    file.append(document);
  }

  private static String join(String folder, String file) {
    return folder.isEmpty() ? file : folder + "/" + file;
  }
}
