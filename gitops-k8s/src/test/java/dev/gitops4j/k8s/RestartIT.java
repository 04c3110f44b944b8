package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InterceptingTarget;
import dev.gitops4j.test.KubeApiServers;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.process.KubeAPIServerProcess;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API server goes away in the middle of a pass and comes back: the pass fails as retryable, the
 * engine retries with backoff and converges with no orphan.
 *
 * <p>{@link KubeAPIServer#stop()} also wipes etcd, and a started server listens on a fresh port. So
 * this test stops and starts only the kube-apiserver process of its own server (etcd and its data
 * stay), and the client reaches it through a TCP relay that follows the new port — to the client it
 * is the same address, as behind a Service or load balancer.
 */
class RestartIT {

  static final int OBJECTS = 40;
  static KubeAPIServer server;
  static Relay relay;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    relay = new Relay(apiServerPort());
    Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
    config.setMasterUrl("https://127.0.0.1:" + relay.port() + "/");
    config.setRequestRetryBackoffLimit(1);
    config.setRequestTimeout(10_000);
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterAll
  static void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void apiServerStoppedMidPassThenRestartedRetriesAndConverges() throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    Target real = k8s.target("restart");
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger creates = new AtomicInteger();
    Target pausing =
        InterceptingTarget.wrap(
            real,
            (step, options) -> {
              if (step.action() == Step.Action.CREATE && creates.incrementAndGet() == 10) {
                blocked.countDown();
                try {
                  if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new TargetException("not released", false);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new TargetException("interrupted", false, e);
                }
              }
            });
    InMemorySource repo = InMemorySource.create();
    Map<String, String> files = new java.util.LinkedHashMap<>();
    files.put("ns.yaml", namespace("restart"));
    for (int i = 0; i < OBJECTS; i++) {
      files.put("cm-" + i + ".yaml", configMap("restart", "cm-" + i, "v" + i));
    }
    repo.commit(files);
    List<PassResult> passes = new CopyOnWriteArrayList<>();
    try (Engine engine =
        Engine.builder()
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .circuitOpenDuration(Duration.ofSeconds(1))
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    passes.add(result);
                  }
                })
            .application(
                Application.builder("restart")
                    .source(repo)
                    .target(pausing)
                    .policy(SyncPolicy.automatic())
                    .interval(Duration.ofHours(1))
                    .build())
            .build()) {
      engine.start();
      assertThat(blocked.await(60, TimeUnit.SECONDS)).as("a step of the first pass").isTrue();
      int etcdPort = etcdPort();
      apiServerProcess().stopApiServer();
      release.countDown();

      assertThat(
              TestCluster.await(
                  Duration.ofSeconds(60),
                  () -> passes.stream().filter(p -> p.trigger() == Trigger.RETRY).count() >= 2))
          .as("retries while the API server is down: %s", passes)
          .isTrue();
      PassResult first = passes.get(0);
      assertThat(first.status()).isEqualTo(PassStatus.FAILED);
      assertThat(first.retryable()).as(first.error()).isTrue();
      assertThat(passes)
          .as("nothing converges while the API server is down")
          .allSatisfy(p -> assertThat(p.status()).isEqualTo(PassStatus.FAILED));

      KubeAPIServerProcess process = apiServerProcess();
      int port = process.startApiServer(etcdPort);
      process.waitUntilReady();
      relay.target(port);

      assertThat(
              TestCluster.await(
                  Duration.ofSeconds(90),
                  () ->
                      engine
                          .lastResult("restart")
                          .map(r -> r.status() == PassStatus.SYNCED)
                          .orElse(false)))
          .as("converged after the restart: %s", passes)
          .isTrue();
      PassResult converged = engine.lastResult("restart").orElseThrow();
      assertThat(converged.trigger())
          .as("by a retry, not by the 1 h interval")
          .isEqualTo(Trigger.RETRY);
    }
    for (int i = 0; i < OBJECTS; i++) {
      assertThat(client.configMaps().inNamespace("restart").withName("cm-" + i).get().getData())
          .containsEntry("value", "v" + i);
    }
    Set<ResourceId> owned =
        client
            .configMaps()
            .inAnyNamespace()
            .withLabel(KubernetesTarget.APPLICATION_LABEL, "restart")
            .list()
            .getItems()
            .stream()
            .map(
                c ->
                    ResourceId.of(
                        "ConfigMap", c.getMetadata().getNamespace(), c.getMetadata().getName()))
            .collect(Collectors.toSet());
    assertThat(owned).hasSize(OBJECTS);
    assertThat(k8s.inventoryStore().load("restart").resources()).containsAll(owned);
  }

  private static KubeAPIServerProcess apiServerProcess() throws ReflectiveOperationException {
    Field field = KubeAPIServer.class.getDeclaredField("kubeApiServerProcess");
    field.setAccessible(true);
    return (KubeAPIServerProcess) field.get(server);
  }

  private static int apiServerPort() {
    Matcher m =
        Pattern.compile("server: *https://[^:]+:(\\d+)").matcher(server.getKubeConfigYaml());
    if (!m.find()) {
      throw new IllegalStateException("no server URL in the kubeconfig");
    }
    return Integer.parseInt(m.group(1));
  }

  /** The etcd port, read from the running kube-apiserver's {@code --etcd-servers} flag. */
  private static int etcdPort() throws ReflectiveOperationException {
    Field field = KubeAPIServerProcess.class.getDeclaredField("apiServerProcess");
    field.setAccessible(true);
    Process process = (Process) field.get(apiServerProcess());
    String[] args = process.info().arguments().orElseThrow();
    String joined = String.join(" ", args);
    Matcher m = Pattern.compile("--etcd-servers[= ]\\S*?:(\\d+)").matcher(joined);
    if (!m.find()) {
      throw new IllegalStateException("no --etcd-servers in " + joined);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Forwards TCP connections on a fixed local port to the API server's current port. */
  static final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile int target;

    Relay(int target) throws IOException {
      this.target = target;
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::accept, "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    void target(int port) {
      target = port;
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket in = listener.accept();
          open.add(in);
          Socket out;
          try {
            out = new Socket(InetAddress.getLoopbackAddress(), target);
          } catch (IOException e) {
            in.close(); // nothing listens: the client sees the connection drop
            continue;
          }
          open.add(out);
          pipe(in, out);
          pipe(out, in);
        } catch (IOException e) {
          // listener closed
        }
      }
    }

    private void pipe(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                  in.transferTo(out);
                } catch (IOException e) {
                  // one side went away
                } finally {
                  closeQuietly(from);
                  closeQuietly(to);
                  open.remove(from);
                  open.remove(to);
                }
              },
              "relay-pipe");
      t.setDaemon(true);
      t.start();
    }

    private static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // already closed
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      open.forEach(Relay::closeQuietly);
    }
  }
}
