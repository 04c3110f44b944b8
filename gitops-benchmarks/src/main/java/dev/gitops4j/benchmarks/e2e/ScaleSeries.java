package dev.gitops4j.benchmarks.e2e;

import static dev.gitops4j.benchmarks.e2e.Harness.APP;
import static dev.gitops4j.benchmarks.e2e.Harness.DRY_AGENT;
import static dev.gitops4j.benchmarks.e2e.Harness.KUBECTL_MANAGER;
import static dev.gitops4j.benchmarks.e2e.Harness.LIB_AGENT;
import static dev.gitops4j.benchmarks.e2e.KubernetesFigures.FLUX_CONCURRENCY;
import static dev.gitops4j.benchmarks.e2e.KubernetesFigures.FLUX_NOOP_VERBS;
import static dev.gitops4j.benchmarks.e2e.KubernetesFigures.KUBECTL_VERBS;
import static dev.gitops4j.benchmarks.e2e.Measure.await;
import static dev.gitops4j.benchmarks.e2e.Measure.log;
import static dev.gitops4j.benchmarks.e2e.Measure.require;
import static dev.gitops4j.benchmarks.e2e.Measure.steadyHeap;
import static dev.gitops4j.benchmarks.e2e.Report.nanos;
import static dev.gitops4j.benchmarks.e2e.Report.verbs;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceLimits;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * How the cost of the Kubernetes target grows with the number of objects: for each size, a fresh
 * audited kube-apiserver + etcd, then the initial sync and no-op passes of gitops4j and of each
 * baseline, side by side, printed as one Markdown table. Every measured run is checked by {@link
 * Cost#measure} (client count = audit log, only the verbs it may send).
 *
 * <pre>
 * gitops-benchmarks/run-e2e scale --sizes 1000,5000,20000 [--noop-passes 3]
 *     [--baseline-passes 1] [--kubectl-max 5000] [--webhook-trials 5] [--out FILE] [--work DIR]
 * </pre>
 *
 * <p>kubectl takes about 50 ms of CPU per object and applies one object at a time, so it runs only
 * for sizes up to {@code --kubectl-max}; its rows above that say so.
 */
public final class ScaleSeries {

  /** Settings from the command line. */
  record Options(
      List<Integer> sizes,
      int noopPasses,
      int baselinePasses,
      int kubectlMax,
      int webhookTrials,
      Path out,
      Path work) {

    static Options parse(String... args) throws Exception {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
        }
        values.put(args[i].substring(2), args[++i]);
      }
      Options options =
          new Options(
              Arrays.stream(values.getOrDefault("sizes", "1000,5000,20000").split(","))
                  .map(String::trim)
                  .map(Integer::parseInt)
                  .toList(),
              Integer.parseInt(values.getOrDefault("noop-passes", "3")),
              Integer.parseInt(values.getOrDefault("baseline-passes", "1")),
              Integer.parseInt(values.getOrDefault("kubectl-max", "5000")),
              Integer.parseInt(values.getOrDefault("webhook-trials", "5")),
              values.containsKey("out") ? Path.of(values.get("out")) : null,
              values.containsKey("work")
                  ? Path.of(values.get("work"))
                  : Files.createTempDirectory("gitops4j-scale"));
      values
          .keySet()
          .removeAll(
              List.of(
                  "sizes",
                  "noop-passes",
                  "baseline-passes",
                  "kubectl-max",
                  "webhook-trials",
                  "out",
                  "work"));
      if (!values.isEmpty()) {
        throw new IllegalArgumentException("unknown options " + values.keySet());
      }
      if (options.sizes.isEmpty()
          || options.sizes.stream().anyMatch(n -> n < 5)
          || options.noopPasses < 1
          || options.baselinePasses < 1) {
        throw new IllegalArgumentException("need sizes >= 5 and at least one pass of each");
      }
      return options;
    }
  }

  /** One row: a strategy at one size. Null costs were not measured. */
  record Row(
      int objects, String strategy, Cost initialSync, Cost noop, Long heapBytes, String note) {}

  /** Webhook deliveries at one size. */
  record WebhookRow(int objects, List<KubernetesFigures.Delivery> deliveries) {}

  private final Options options;
  private final List<Row> rows = new ArrayList<>();
  private final List<WebhookRow> webhookRows = new ArrayList<>();

  ScaleSeries(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String table = new ScaleSeries(options).run();
    System.out.println(table);
    if (options.out() != null) {
      Files.writeString(options.out(), table);
    }
    System.exit(0);
  }

  /** Measures every size and returns the table. */
  String run() throws Exception {
    Testbed testbed = Testbed.get();
    for (int n : options.sizes()) {
      Path work = Files.createDirectories(options.work().resolve("n" + n));
      log("scale series: " + n + " objects, work directory " + work);
      try (AuditedCluster cluster = new AuditedCluster(testbed, work)) {
        measure(cluster, n, work);
      }
      log("\n" + markdown());
    }
    return markdown();
  }

  private void measure(AuditedCluster cluster, int n, Path work) throws Exception {
    Map<String, String> manifests = Workload.manifests(n);
    Path folder = work.resolve("manifests");
    Workload.write(folder, manifests);
    RequestCounter libCounter = new RequestCounter();
    RequestCounter dryCounter = new RequestCounter();
    try (KubernetesClient lib = cluster.client(LIB_AGENT, libCounter);
        KubernetesClient dry = cluster.client(DRY_AGENT, dryCounter);
        KubernetesClient admin = cluster.client("observer-bench", new RequestCounter())) {
      List<String> namespaces = new ArrayList<>(List.of("bench-gitops4j", "bench-kubectl"));
      FLUX_CONCURRENCY.forEach(c -> namespaces.add(fluxNamespace(c)));
      for (String ns : namespaces) {
        admin
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      gitops4j(cluster, lib, libCounter, n, folder);
      if (options.webhookTrials() > 0) {
        webhook(lib, admin, n, work);
      }
      log("\n" + markdown()); // what is measured so far, in case a baseline fails later
      flux(cluster, dry, dryCounter, n, manifests);
      kubectl(cluster, n, folder);
    }
  }

  /**
   * The engine's initial sync and no-op passes, first on demand (no watches: every pass reads the
   * objects from the API server), then started (watches open: passes read from them); heap retained
   * with the engine open after each.
   */
  private void gitops4j(
      AuditedCluster cluster, KubernetesClient lib, RequestCounter counter, int n, Path folder)
      throws Exception {
    long heapBefore = steadyHeap();
    KubernetesTarget k8s = KubernetesTarget.builder(lib).defaultNamespace("bench-gitops4j").build();
    // Only waited on, and emptied before each heap figure: results kept here are not the engine's.
    List<PassResult> finished = new CopyOnWriteArrayList<>();
    try (Engine engine =
        KubernetesFigures.engine(
            k8s, DirectorySource.of(folder, limits(n)), SyncPolicy.automatic(), finished, 3600)) {
      log("gitops4j: initial sync of " + n);
      Cost initial =
          Cost.measure(
              cluster,
              counter,
              LIB_AGENT,
              "gitops4j initial sync",
              null,
              () -> {
                PassResult created = engine.trigger(APP).get(60, TimeUnit.MINUTES);
                require(
                    created.status() == PassStatus.SYNCED && created.writes() >= n,
                    "initial sync: " + created.status() + " " + created.error());
              });
      Cost onDemand = noopPasses(cluster, counter, engine, "on demand");
      finished.clear();
      rows.add(
          new Row(
              n,
              "gitops4j, passes on demand (no watches)",
              initial,
              onDemand,
              steadyHeap() - heapBefore,
              "`Engine.trigger`, engine not started: LIST per kind each pass; no-op: median of "
                  + options.noopPasses()
                  + "; heap with the engine open"));

      log("gitops4j: engine started, waiting for its watches");
      engine.start();
      await(Duration.ofMinutes(10), () -> !finished.isEmpty(), "first pass of the started engine");
      // The informers list every kind once; until they have, passes read from the API server.
      await(
          Duration.ofMinutes(10),
          () -> {
            try {
              counter.reset();
              engine.trigger(APP).get(30, TimeUnit.MINUTES);
              return !counter.snapshot().containsKey("list");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          "passes served by the watches");
      Cost watched = noopPasses(cluster, counter, engine, "started");
      finished.clear();
      rows.add(
          new Row(
              n,
              "gitops4j, started engine (watches)",
              null,
              watched,
              steadyHeap() - heapBefore,
              "`Engine.start`: objects unchanged since the last apply are read from the watches;"
                  + " no-op: median of "
                  + options.noopPasses()
                  + "; heap with the engine and its watches open"));
    }
  }

  /** Source limits that admit {@code n} files: the default stops at 10,000. */
  private static SourceLimits limits(int n) {
    return SourceLimits.custom()
        .maxFileCount(Math.max(SourceLimits.DEFAULT_MAX_FILE_COUNT, n + 1))
        .build();
  }

  private Cost noopPasses(
      AuditedCluster cluster, RequestCounter counter, Engine engine, String label)
      throws Exception {
    List<Cost> passes = new ArrayList<>();
    for (int i = 0; i < options.noopPasses(); i++) {
      log("gitops4j (" + label + "): no-op pass " + (i + 1));
      passes.add(
          Cost.measure(
              cluster,
              counter,
              LIB_AGENT,
              "gitops4j no-op pass (" + label + ") " + (i + 1),
              Cost.READS,
              () -> {
                PassResult result = engine.trigger(APP).get(30, TimeUnit.MINUTES);
                require(
                    result.status() == PassStatus.IN_SYNC,
                    "no-op pass: " + result.status() + " " + result.error());
              }));
    }
    return Cost.median(passes);
  }

  /**
   * Commit → applied through a signed webhook at this size: a Git repository with the same objects,
   * an engine started over it in its own namespace, one ConfigMap changed per trial.
   */
  private void webhook(KubernetesClient lib, KubernetesClient observer, int n, Path work)
      throws Exception {
    String ns = "bench-webhook";
    observer
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    KubernetesTarget k8s = KubernetesTarget.builder(lib).defaultNamespace(ns).build();
    List<PassResult> finished = new CopyOnWriteArrayList<>();
    try (GitRepoFixture repo = GitRepoFixture.create(work.resolve("repo"))) {
      repo.commit("objects", Workload.manifests(n));
      Source git =
          GitSource.builder(repo.uri())
              .cacheDir(work.resolve("git-cache"))
              .shallow(false)
              .limits(limits(n))
              .build();
      try (Engine engine =
          KubernetesFigures.engine(k8s, git, SyncPolicy.automatic(), finished, 3600)) {
        log("webhook: initial sync of " + n + " from Git");
        engine.start();
        await(Duration.ofMinutes(60), () -> !finished.isEmpty(), "first pass from Git");
        require(
            finished.get(0).status() == PassStatus.SYNCED,
            "first pass from Git: " + finished.get(0).status() + " " + finished.get(0).error());
        log("webhook: " + options.webhookTrials() + " trials");
        List<KubernetesFigures.Delivery> deliveries =
            KubernetesFigures.webhookDeliveries(
                engine, repo, observer, ns, finished, options.webhookTrials());
        webhookRows.add(new WebhookRow(n, deliveries));
      }
    }
  }

  /**
   * Flux's strategy at each concurrency: its own initial sync into its own namespace, then no-op
   * reconciles; then the sequential dry-run pass over the first Flux namespace. Heap: what the
   * parsed desired objects they work from retain.
   */
  private void flux(
      AuditedCluster cluster,
      KubernetesClient client,
      RequestCounter counter,
      int n,
      Map<String, String> manifests)
      throws Exception {
    long heapBefore = steadyHeap();
    List<HasMetadata> objects =
        client
            .load(
                new ByteArrayInputStream(
                    String.join("---\n", manifests.values()).getBytes(StandardCharsets.UTF_8)))
            .items();
    long heap = steadyHeap() - heapBefore;
    for (int concurrency : FLUX_CONCURRENCY) {
      String ns = fluxNamespace(concurrency);
      log("Flux strategy, concurrency " + concurrency + ": initial sync of " + n);
      Cost initial =
          Cost.measure(
              cluster,
              counter,
              DRY_AGENT,
              "Flux initial sync, concurrency " + concurrency,
              null,
              () -> {
                int applied =
                    DryRunStrategy.fluxPass(client, ns, objects, KUBECTL_MANAGER, concurrency);
                require(applied == n, "Flux initial sync applied " + applied + " of " + n);
              });
      List<Cost> passes = new ArrayList<>();
      for (int i = 0; i < options.baselinePasses(); i++) {
        log("Flux strategy, concurrency " + concurrency + ": no-op pass " + (i + 1));
        passes.add(
            Cost.measure(
                cluster,
                counter,
                DRY_AGENT,
                "Flux no-op pass, concurrency " + concurrency,
                FLUX_NOOP_VERBS,
                () -> {
                  int applied =
                      DryRunStrategy.fluxPass(client, ns, objects, KUBECTL_MANAGER, concurrency);
                  require(applied == 0, "Flux no-op pass applied " + applied + " objects");
                }));
      }
      rows.add(
          new Row(
              n,
              "Flux kustomize-controller, `--concurrent-ssa " + concurrency + "`",
              initial,
              Cost.median(passes),
              heap,
              "GET + dry-run SSA per object, "
                  + concurrency
                  + " in flight; then sequential applies"
                  + "; heap: the parsed desired objects"));
    }
    List<Cost> passes = new ArrayList<>();
    for (int i = 0; i < options.baselinePasses(); i++) {
      log("sequential dry-run: no-op pass " + (i + 1));
      passes.add(
          Cost.measure(
              cluster,
              counter,
              DRY_AGENT,
              "sequential dry-run pass",
              KubernetesFigures.SEQUENTIAL_VERBS,
              () -> {
                int drift =
                    DryRunStrategy.sequentialPass(
                        client, fluxNamespace(FLUX_CONCURRENCY.get(0)), objects, KUBECTL_MANAGER);
                require(drift == 0, "sequential dry-run pass saw " + drift + " drifted objects");
              }));
    }
    rows.add(
        new Row(
            n,
            "dry-run every object, sequential",
            null,
            Cost.median(passes),
            heap,
            "no-op only, over the first Flux namespace: LIST per kind, one dry run at a time"));
    Reference.reachabilityFence(objects);
  }

  private void kubectl(AuditedCluster cluster, int n, Path folder) throws Exception {
    if (n > options.kubectlMax()) {
      rows.add(
          new Row(
              n,
              "kubectl",
              null,
              null,
              null,
              "not run: above `--kubectl-max " + options.kubectlMax() + "`"));
      return;
    }
    String[] apply = {
      "apply",
      "--server-side",
      "--field-manager=" + KUBECTL_MANAGER,
      "-n",
      "bench-kubectl",
      "-f",
      folder.toString()
    };
    log("kubectl: initial sync of " + n);
    Cost initial = Cost.kubectl(cluster, "kubectl initial sync", KUBECTL_VERBS, apply);
    log("kubectl: re-apply");
    Cost again = Cost.kubectl(cluster, "kubectl re-apply", KUBECTL_VERBS, apply);
    rows.add(
        new Row(
            n,
            "kubectl",
            initial,
            again,
            null,
            "`kubectl apply --server-side -f`, then again; CPU of the kubectl process; requests"
                + " from the audit log"));
  }

  private static String fluxNamespace(int concurrency) {
    return "bench-flux" + concurrency;
  }

  /** The table of every row measured so far. */
  String markdown() {
    Runtime runtime = Runtime.getRuntime();
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Scale series: %d CPUs, max heap %s, Java %s%n%n",
                runtime.availableProcessors(),
                Report.mib(runtime.maxMemory()),
                System.getProperty("java.version")));
    out.append(
        "| objects | strategy | initial sync: wall | initial sync: client CPU | initial sync:"
            + " requests | no-op pass: wall | no-op: client CPU | no-op: API server + etcd CPU |"
            + " no-op: requests | heap per object | notes |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append("| ")
          .append(String.format(Locale.ROOT, "%,d", row.objects()))
          .append(" | ")
          .append(row.strategy())
          .append(" | ")
          .append(row.initialSync() == null ? "—" : nanos(row.initialSync().wallNanos()))
          .append(" | ")
          .append(row.initialSync() == null ? "—" : nanos(row.initialSync().cpuNanos()))
          .append(" | ")
          .append(row.initialSync() == null ? "—" : verbs(row.initialSync().requests()))
          .append(" | ")
          .append(row.noop() == null ? "—" : nanos(row.noop().wallNanos()))
          .append(" | ")
          .append(row.noop() == null ? "—" : nanos(row.noop().cpuNanos()))
          .append(" | ")
          .append(row.noop() == null ? "—" : nanos(row.noop().serverCpuNanos()))
          .append(" | ")
          .append(row.noop() == null ? "—" : verbs(row.noop().requests()))
          .append(" | ")
          .append(
              row.heapBytes() == null
                  ? "—"
                  : String.format(Locale.ROOT, "%.1f KB", row.heapBytes() / 1024.0 / row.objects()))
          .append(" | ")
          .append(row.note())
          .append(" |\n");
    }
    if (!webhookRows.isEmpty()) {
      out.append(
          "\n| objects | commit → applied, webhook: p50 | p95 | of which the apply step: p50 |"
              + " trials |\n|---|---|---|---|---|\n");
      for (WebhookRow row : webhookRows) {
        List<Long> latency =
            row.deliveries().stream().map(KubernetesFigures.Delivery::latencyNanos).toList();
        List<Long> apply =
            row.deliveries().stream().map(KubernetesFigures.Delivery::applyNanos).toList();
        out.append(String.format(Locale.ROOT, "| %,d | ", row.objects()))
            .append(nanos(Measure.percentile(latency, 50)))
            .append(" | ")
            .append(nanos(Measure.percentile(latency, 95)))
            .append(" | ")
            .append(nanos(Measure.percentile(apply, 50)))
            .append(" | ")
            .append(row.deliveries().size())
            .append(" |\n");
      }
    }
    return out.toString();
  }
}
