package dev.gitops4j.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.test.KubeApiServers;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The testbed's kube-apiserver + etcd (offline), with an audit log of every request at Metadata
 * level, and the testbed's kubectl pointed at it.
 */
final class AuditedCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final KubeAPIServer server;
  final String kubeconfigYaml;
  final Path kubeconfig;
  final Path kubectl;
  final Path auditLog;

  AuditedCluster(Testbed testbed, Path work) throws IOException {
    Path policy = work.resolve("audit-policy.yaml");
    Files.writeString(
        policy,
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [\"RequestReceived\"]\n"
            + "rules:\n- level: Metadata\n");
    auditLog = work.resolve("audit.log");
    server =
        new KubeAPIServer(
            KubeApiServers.offline()
                .withApiServerFlag("--audit-policy-file", policy.toString())
                .withApiServerFlag("--audit-log-path", auditLog.toString())
                .withApiServerFlag("--audit-log-mode", "blocking")
                // Never rotated: a window is a byte range of one file (the default rotates at
                // 100 MB, which a 20,000-object series passes).
                .withApiServerFlag("--audit-log-maxsize", "1000000")
                .build());
    server.start();
    kubeconfigYaml = server.getKubeConfigYaml();
    kubeconfig = work.resolve("kubeconfig.yaml");
    Files.writeString(kubeconfig, kubeconfigYaml, StandardCharsets.UTF_8);
    kubectl =
        testbed
            .kubeApiTestDirectory()
            .resolve("k8s")
            .resolve(testbed.kubernetesVersion() + "-linux-amd64")
            .resolve("kubectl");
  }

  /** A client with {@code userAgent} (how the audit log tells clients apart) and a counter. */
  KubernetesClient client(String userAgent, RequestCounter counter) {
    Config config = Config.fromKubeconfig(kubeconfigYaml);
    config.setUserAgent(userAgent);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(
            new HttpClient.Factory() {
              private final HttpClient.Factory jdk = new JdkHttpClientFactory();

              @Override
              public HttpClient.Builder newBuilder() {
                return counted(jdk.newBuilder());
              }

              @Override
              public HttpClient.Builder newBuilder(Config c) {
                return counted(jdk.newBuilder(c));
              }

              private HttpClient.Builder counted(HttpClient.Builder builder) {
                builder.addOrReplaceInterceptor("bench-counter", counter);
                return builder;
              }
            })
        .build();
  }

  /** Runs kubectl against this server; fails on a non-zero exit. */
  MeasuredProcess kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return MeasuredProcess.run(command, Map.of(), null);
  }

  /** Where the audit log ends now; a window starts here. */
  long auditMark() {
    return waitForQuietAudit();
  }

  /**
   * Requests by verb that clients whose user agent starts with {@code agentPrefix} made since
   * {@code mark}. A request is counted once by its audit ID: a long-running one (a watch) has an
   * event when its response starts and another when it ends.
   */
  Map<String, Long> auditSince(long mark, String agentPrefix) throws IOException {
    long end = waitForQuietAudit();
    if (end < mark) {
      throw new IllegalStateException("the audit log " + auditLog + " shrank: it was rotated");
    }
    Map<String, Long> counts = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    try (RandomAccessFile file = new RandomAccessFile(auditLog.toFile(), "r")) {
      byte[] bytes = new byte[(int) (end - mark)];
      file.seek(mark);
      file.readFully(bytes);
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (!event.path("userAgent").asText().startsWith(agentPrefix)
            || !seen.add(event.path("auditID").asText())) {
          continue;
        }
        String verb = event.path("verb").asText();
        if (event.path("requestURI").asText().contains("dryRun=All")) {
          verb += " (dry run)";
        }
        counts.merge(verb, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** The audit log's size once it has not grown for 300 ms (events are written after replies). */
  private long waitForQuietAudit() {
    long size = size();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < 300_000_000L) {
      LockSupport.parkNanos(50_000_000L);
      long now = size();
      if (now != size) {
        size = now;
        quietSince = System.nanoTime();
      }
    }
    return size;
  }

  private long size() {
    try {
      return Files.exists(auditLog) ? Files.size(auditLog) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * CPU time (user + system) that kube-apiserver and etcd, children of this JVM started by
   * kube-api-test, have used so far; fails when they cannot be found.
   */
  long serverCpuNanos() {
    List<ProcessHandle> servers =
        ProcessHandle.current()
            .descendants()
            .filter(
                p -> {
                  String command = p.info().command().orElse("");
                  return command.endsWith("/kube-apiserver") || command.endsWith("/etcd");
                })
            .toList();
    if (servers.size() != 2) {
      throw new IllegalStateException(
          "expected kube-apiserver and etcd among this JVM's child processes, found "
              + servers.stream().map(p -> p.info().command().orElse("?")).toList());
    }
    long ticks = 0;
    for (ProcessHandle server : servers) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(server.pid()), "stat"));
        // Fields after "(comm) ": state is the first; utime and stime are fields 14 and 15 of
        // proc(5), so 11 and 12 here.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the CPU time of " + server.pid(), e);
      }
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  @Override
  public void close() {
    server.stop();
  }
}
