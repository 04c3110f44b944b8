package dev.gitops4j.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one run of an external command (kubectl, tofu) cost.
 *
 * @param wallNanos wall time from start to exit
 * @param cpuNanos CPU time of the process and its children
 * @param output standard output and error, merged
 */
record MeasuredProcess(long wallNanos, long cpuNanos, String output) {

  /**
   * Runs a command; fails on a non-zero exit. CPU time is the children's time the kernel accounts
   * to this JVM.
   *
   * @param dir working directory, or null for this JVM's
   */
  static MeasuredProcess run(List<String> command, Map<String, String> env, Path dir)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    long cpu0 = childrenCpuNanos();
    long t0 = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    long wall = System.nanoTime() - t0;
    return new MeasuredProcess(wall, childrenCpuNanos() - cpu0, output);
  }

  /** cutime + cstime of /proc/self/stat: CPU of children this JVM has waited for. */
  static long childrenCpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
