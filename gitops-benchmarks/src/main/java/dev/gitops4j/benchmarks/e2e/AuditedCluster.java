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
import java.util.List;
import java.util.Map;
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
   * {@code mark}.
   */
  Map<String, Long> auditSince(long mark, String agentPrefix) throws IOException {
    long end = waitForQuietAudit();
    Map<String, Long> counts = new TreeMap<>();
    try (RandomAccessFile file = new RandomAccessFile(auditLog.toFile(), "r")) {
      byte[] bytes = new byte[(int) (end - mark)];
      file.seek(mark);
      file.readFully(bytes);
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (!event.path("userAgent").asText().startsWith(agentPrefix)) {
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

  @Override
  public void close() {
    server.stop();
  }
}
