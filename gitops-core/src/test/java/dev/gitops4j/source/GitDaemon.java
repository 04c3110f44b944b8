package dev.gitops4j.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real {@code git daemon} on 127.0.0.1, started per test and stopped after. */
final class GitDaemon implements AutoCloseable {

  private final Process process;
  final int port;

  private GitDaemon(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Serves every repository below {@code basePath}; fails loudly when git is missing. */
  static GitDaemon start(Path basePath) throws Exception {
    String git = findGit();
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                git,
                "daemon",
                "--verbose",
                "--export-all",
                "--reuseaddr",
                "--informative-errors",
                "--listen=127.0.0.1",
                "--port=" + port,
                "--base-path=" + basePath,
                basePath.toString()));
    builder.redirectErrorStream(true);
    Process process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // git daemon --verbose prints "Ready to rumble" once it listens.
    CompletableFuture<String> ready =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  seen.append(line).append('\n');
                  if (line.contains("Ready to rumble")) {
                    drain(out);
                    return "ready";
                  }
                }
              } catch (IOException e) {
                seen.append(e);
              }
              return seen.toString();
            });
    String result;
    try {
      result = ready.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("git daemon did not start within 30 s", e);
    }
    if (!result.equals("ready")) {
      process.destroyForcibly();
      throw new AssertionError("git daemon failed to start:\n" + result);
    }
    return new GitDaemon(process, port);
  }

  String url(String repository) {
    return "git://127.0.0.1:" + port + "/" + repository;
  }

  private static void drain(BufferedReader out) {
    Thread drainer =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // keep the pipe empty so the daemon never blocks on logging
                }
              } catch (IOException ignored) {
                // daemon stopped
              }
            },
            "git-daemon-output");
    drainer.setDaemon(true);
    drainer.start();
  }

  private static String findGit() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir, "git");
      if (candidate.toFile().canExecute()) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        "the 'git' executable is required for git daemon tests but was not found on PATH;"
            + " install it (Debian: apt-get install git)");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
