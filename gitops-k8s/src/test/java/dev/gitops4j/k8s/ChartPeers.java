package dev.gitops4j.k8s;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.test.Testbed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What charts are published with in tests: the real helm ({@code package}, {@code repo index},
 * {@code push}) in homes of its own, an HTTP chart repository served by the JDK on 127.0.0.1.
 */
final class ChartPeers {

  private ChartPeers() {}

  /** Runs the testbed's helm in {@code dir} with its homes under {@code dir}; its output. */
  static String helm(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Testbed.get().helm().toString());
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      builder.environment().put("HELM_CACHE_HOME", dir.resolve(".helm/cache").toString());
      builder.environment().put("HELM_CONFIG_HOME", dir.resolve(".helm/config").toString());
      builder.environment().put("HELM_DATA_HOME", dir.resolve(".helm/data").toString());
      Process process = builder.redirectErrorStream(true).start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("helm " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code helm package} of the chart whose files (paths relative to the chart folder) are given;
   * the archive's path.
   */
  static Path packageChart(Path work, Map<String, String> chartFiles, Path into) {
    try {
      Path chart = Files.createTempDirectory(work, "chart");
      for (var file : chartFiles.entrySet()) {
        Path target = chart.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      }
      Files.createDirectories(into);
      String out = helm(work, "package", chart.toString(), "--destination", into.toString());
      Matcher m = Pattern.compile("saved it to: (\\S+)").matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("helm package said: " + out);
      }
      return Path.of(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files of {@code charts/shop/} of {@link HelmIT#chart}, relative to the chart folder. */
  static Map<String, String> shopChart(String namespace, String version) {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    HelmIT.chart(namespace, "unused", version)
        .forEach(
            (path, text) -> {
              if (path.startsWith("charts/shop/")) {
                files.put(path.substring("charts/shop/".length()), text);
              }
            });
    return files;
  }

  /**
   * An HTTP Helm repository: a folder of {@code helm package} archives and the {@code index.yaml}
   * of {@code helm repo index}, served on 127.0.0.1, optionally behind basic authentication. Counts
   * the requests for the index and for archives.
   */
  static final class ChartRepository implements AutoCloseable {
    final Path work;
    final Path root;
    final HttpServer server;
    final AtomicLong indexRequests = new AtomicLong();
    final AtomicLong archiveRequests = new AtomicLong();
    final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    final List<String> authorizationsSeenByPublic =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicLong publicRequests = new AtomicLong();

    ChartRepository(Path work, String user, String password) throws IOException {
      this.work = work;
      this.root = Files.createDirectories(work.resolve("repository"));
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      HttpContext context =
          server.createContext(
              "/charts/",
              exchange -> {
                String name = exchange.getRequestURI().getPath().substring("/charts/".length());
                if (name.startsWith("moved/")) {
                  // Archives "moved" to another host name of this server: a blob store.
                  exchange
                      .getResponseHeaders()
                      .add(
                          "Location",
                          "http://localhost:"
                              + server.getAddress().getPort()
                              + "/public/"
                              + name.substring("moved/".length()));
                  exchange.sendResponseHeaders(302, -1);
                  exchange.close();
                  return;
                }
                Path file = root.resolve(name).normalize();
                if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                  exchange.sendResponseHeaders(404, -1);
                  exchange.close();
                  return;
                }
                (name.equals("index.yaml") ? indexRequests : archiveRequests).incrementAndGet();
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
              });
      if (user != null) {
        context.setAuthenticator(
            new BasicAuthenticator("charts") {
              @Override
              public boolean checkCredentials(String u, String p) {
                boolean ok = user.equals(u) && password.equals(p);
                if (!ok) {
                  refused.computeIfAbsent(u, k -> new AtomicLong()).incrementAndGet();
                }
                return ok;
              }
            });
      }
      server.createContext(
          "/public/",
          exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/public/".length());
            authorizationsSeenByPublic.addAll(
                exchange.getRequestHeaders().getOrDefault("Authorization", List.of()));
            publicRequests.incrementAndGet();
            byte[] body = Files.readAllBytes(root.resolve(name).normalize());
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/charts/");
    }

    /** Packages the chart into the repository and indexes it again; the archive. */
    Path publish(Map<String, String> chartFiles) {
      Path archive = packageChart(work, chartFiles, root);
      helm(work, "repo", "index", root.toString());
      return archive;
    }

    /** The sha256 hex {@code helm repo index} wrote for {@code version} of {@code chart}. */
    String digest(String chart, String version) throws IOException {
      var index =
          new com.fasterxml.jackson.databind.ObjectMapper(
                  new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
              .readTree(root.resolve("index.yaml").toFile());
      for (var entry : index.path("entries").path(chart)) {
        if (entry.path("version").asText().equals(version)) {
          return entry.path("digest").asText();
        }
      }
      throw new IllegalStateException("no " + chart + " " + version + " in the index");
    }

    /** Points the index's URL of {@code archive} at {@code moved/archive} (a redirect). */
    void moveArchive(String archive) throws IOException {
      Path index = root.resolve("index.yaml");
      Files.writeString(
          index, Files.readString(index).replace("- " + archive, "- moved/" + archive));
    }

    /** Replaces the digest the index announces for an archive, as a tampered index would. */
    void tamperDigest(String chart, String version, String digest) throws IOException {
      Path index = root.resolve("index.yaml");
      String text = Files.readString(index);
      Files.writeString(index, text.replace(digest(chart, version), digest));
    }

    void resetCounts() {
      indexRequests.set(0);
      archiveRequests.set(0);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
