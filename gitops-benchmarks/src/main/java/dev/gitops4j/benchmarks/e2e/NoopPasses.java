package dev.gitops4j.benchmarks.e2e;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Only the no-op pass of the end-to-end harness, printed pass by pass: an initial sync of N objects
 * from a folder, then passes with everything in sync, each with its wall time, JVM CPU time and
 * requests; then passes over a new revision in which one ConfigMap changed (a new render of every
 * file, one apply). Medians close the output. Small enough to run under a profiler:
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=noop.jfr,settings=profile \
 *     -cp gitops-benchmarks/target/benchmarks.jar dev.gitops4j.benchmarks.e2e.NoopPasses \
 *     --objects 5000 --passes 20
 * </pre>
 */
public final class NoopPasses {

  private NoopPasses() {}

  public static void main(String[] args) throws Exception {
    int objects = 5000;
    int passes = 10;
    int changePasses = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--objects" -> objects = Integer.parseInt(args[i + 1]);
        case "--passes" -> passes = Integer.parseInt(args[i + 1]);
        case "--change-passes" -> changePasses = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path work = Files.createTempDirectory("gitops4j-noop");
    Path folder = work.resolve("manifests");
    Workload.write(folder, Workload.manifests(objects));
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    RequestCounter counter = new RequestCounter();
    try (AuditedCluster cluster = new AuditedCluster(Testbed.get(), work);
        KubernetesClient client = cluster.client(Harness.LIB_AGENT, counter)) {
      String ns = "bench-noop";
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      KubernetesTarget k8s = KubernetesTarget.builder(client).defaultNamespace(ns).build();
      try (Engine engine =
          Engine.builder()
              .intervalJitter(0)
              .application(
                  Application.builder(Harness.APP)
                      .source(DirectorySource.of(folder))
                      .target(k8s.target(Harness.APP))
                      .policy(SyncPolicy.automatic())
                      .interval(Duration.ofHours(1))
                      .build())
              .build()) {
        long t0 = System.nanoTime();
        PassResult created = engine.trigger(Harness.APP).get(30, TimeUnit.MINUTES);
        System.out.printf(
            Locale.ROOT,
            "initial sync: %s, %d writes, %.2f s%n",
            created.status(),
            created.writes(),
            (System.nanoTime() - t0) / 1e9);
        List<long[]> noop = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
          noop.add(pass(engine, counter, os, "no-op pass " + (i + 1), PassStatus.IN_SYNC));
        }
        List<long[]> changed = new ArrayList<>();
        for (int i = 0; i < changePasses; i++) {
          Files.writeString(
              folder.resolve("cm-0.yaml"),
              Workload.configMap("cm-0", "change-" + i),
              StandardCharsets.UTF_8);
          changed.add(pass(engine, counter, os, "changed-file pass " + (i + 1), PassStatus.SYNCED));
        }
        summary("no-op pass", noop.subList(Math.min(noop.size() - 1, 2), noop.size()));
        summary("changed-file pass", changed);
      }
    }
    System.exit(0);
  }

  /** One triggered pass: its wall and CPU nanoseconds, after checking its status. */
  private static long[] pass(
      Engine engine,
      RequestCounter counter,
      com.sun.management.OperatingSystemMXBean os,
      String label,
      PassStatus expected)
      throws Exception {
    counter.reset();
    long cpu0 = os.getProcessCpuTime();
    long w0 = System.nanoTime();
    PassResult result = engine.trigger(Harness.APP).get(10, TimeUnit.MINUTES);
    long wall = System.nanoTime() - w0;
    long cpu = os.getProcessCpuTime() - cpu0;
    Map<String, Long> requests = counter.snapshot();
    System.out.printf(
        Locale.ROOT,
        "%s: %s, %d writes, wall %.3f s, cpu %.3f s, requests %s%n",
        label,
        result.status(),
        result.writes(),
        wall / 1e9,
        cpu / 1e9,
        requests);
    if (result.status() != expected) {
      throw new IllegalStateException(label + ": " + result.status() + " " + result.error());
    }
    return new long[] {wall, cpu};
  }

  private static void summary(String label, List<long[]> runs) {
    if (runs.isEmpty()) {
      return;
    }
    long[] walls = runs.stream().mapToLong(r -> r[0]).sorted().toArray();
    long[] cpus = runs.stream().mapToLong(r -> r[1]).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "%s median of %d: wall %.3f s, cpu %.3f s%n",
        label,
        runs.size(),
        walls[walls.length / 2] / 1e9,
        cpus[cpus.length / 2] / 1e9);
  }
}
