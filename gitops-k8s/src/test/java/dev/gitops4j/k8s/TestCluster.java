package dev.gitops4j.k8s;

import dev.gitops4j.test.KubeApiServers;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One real kube-apiserver + etcd from the testbed for every integration test of this JVM, stopped
 * at exit: starting one costs seconds and the machine is shared.
 */
final class TestCluster {

  private static TestCluster instance;

  final KubeAPIServer server;
  final String kubeconfigYaml;
  final Path kubeconfig;
  final Path kubectl;

  private TestCluster(Testbed testbed) {
    server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    kubeconfigYaml = server.getKubeConfigYaml();
    try {
      kubeconfig = Files.createTempFile("gitops4j-kubeconfig", ".yaml");
      Files.writeString(kubeconfig, kubeconfigYaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kubectl =
        testbed
            .kubeApiTestDirectory()
            .resolve("k8s")
            .resolve(testbed.kubernetesVersion() + "-linux-amd64")
            .resolve("kubectl");
  }

  static synchronized TestCluster get() {
    if (instance == null) {
      instance = new TestCluster(Testbed.get());
      Runtime.getRuntime().addShutdownHook(new Thread(instance.server::stop));
    }
    return instance;
  }

  KubernetesClient client() {
    return client(new RequestCounter());
  }

  /** A client whose every HTTP request passes through {@code counter}. */
  KubernetesClient client(RequestCounter counter) {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml))
        .withHttpClientFactory(
            new HttpClient.Factory() {
              private final HttpClient.Factory jdk = new JdkHttpClientFactory();

              @Override
              public HttpClient.Builder newBuilder() {
                return counted(jdk.newBuilder());
              }

              @Override
              public HttpClient.Builder newBuilder(Config config) {
                return counted(jdk.newBuilder(config));
              }

              private HttpClient.Builder counted(HttpClient.Builder builder) {
                builder.addOrReplaceInterceptor("gitops4j-test-counter", counter);
                return builder;
              }
            })
        .build();
  }

  /** Runs the testbed's kubectl against this server; fails on a non-zero exit. */
  String kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object lock = new Object();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      synchronized (lock) {
        lock.wait(50);
      }
    }
    return condition.getAsBoolean();
  }

  /** Counts HTTP requests by kind: reads, writes and dry-run writes. */
  static final class RequestCounter implements Interceptor {
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong dryRuns = new AtomicLong();

    /** GETs of {@code /version} and {@code /apis}: what helm's {@code .Capabilities} cost. */
    final AtomicLong capabilityReads = new AtomicLong();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      String query = request.uri().getRawQuery();
      boolean watch = query != null && query.contains("watch=true");
      if (request.method().equals("GET")) {
        if (!watch) {
          reads.incrementAndGet();
        }
        String path = request.uri().getPath();
        if (path.equals("/version") || path.equals("/apis")) {
          capabilityReads.incrementAndGet();
        }
      } else if (query != null && query.contains("dryRun=All")) {
        dryRuns.incrementAndGet();
      } else {
        writes.incrementAndGet();
      }
    }

    void reset() {
      reads.set(0);
      writes.set(0);
      dryRuns.set(0);
      capabilityReads.set(0);
    }
  }
}
