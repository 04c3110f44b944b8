package dev.gitops4j.benchmarks.e2e;

import static dev.gitops4j.benchmarks.e2e.Harness.APP;
import static dev.gitops4j.benchmarks.e2e.Harness.DRY_AGENT;
import static dev.gitops4j.benchmarks.e2e.Harness.KUBECTL_MANAGER;
import static dev.gitops4j.benchmarks.e2e.Harness.LIB_AGENT;
import static dev.gitops4j.benchmarks.e2e.Measure.await;
import static dev.gitops4j.benchmarks.e2e.Measure.log;
import static dev.gitops4j.benchmarks.e2e.Measure.percentile;
import static dev.gitops4j.benchmarks.e2e.Measure.require;
import static dev.gitops4j.benchmarks.e2e.Measure.steadyHeap;
import static dev.gitops4j.benchmarks.e2e.Measure.total;
import static dev.gitops4j.benchmarks.e2e.Report.mib;
import static dev.gitops4j.benchmarks.e2e.Report.nanos;
import static dev.gitops4j.benchmarks.e2e.Report.verbs;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.source.Source;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.webhook.PushEvent;
import dev.gitops4j.webhook.WebhookDecision;
import dev.gitops4j.webhook.WebhookReceiver;
import dev.gitops4j.webhook.WebhookRequest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Kubernetes figures: initial sync and no-op passes next to kubectl and to a dry-run of every
 * object, steady heap, self-heal latency, and commit-to-applied latency by webhook and by polling.
 */
final class KubernetesFigures {

  private static final String HOOK_SECRET = "bench-webhook-secret";

  /** What kubectl's server-side re-apply may send: discovery and OpenAPI reads, one patch each. */
  static final Set<String> KUBECTL_VERBS = Set.of("get", "list", "patch");

  /** Flux's no-op reconcile: a GET and a dry run per object, nothing else. */
  static final Set<String> FLUX_NOOP_VERBS = Set.of("get", "patch (dry run)");

  /** The sequential dry-run pass: LIST pages and a dry run per object. */
  static final Set<String> SEQUENTIAL_VERBS = Set.of("list", "patch (dry run)");

  /** Flux's {@code --concurrent-ssa}: its default, and a doubled setting. */
  static final List<Integer> FLUX_CONCURRENCY = List.of(4, 8);

  /** A baseline's figures next to gitops4j's. */
  record Baseline(String name, Cost cost, String note) {}

  private final Harness.Options options;
  private final Report report;

  /** Webhook latencies of the last run, reported next to the polling ones. */
  private List<Long> latencies;

  KubernetesFigures(Harness.Options options, Report report) {
    this.options = options;
    this.report = report;
  }

  /** Measures against {@code cluster} and adds the rows to the report. */
  void measure(AuditedCluster cluster) throws Exception {
    int n = options.objects();
    Map<String, String> manifests = Workload.manifests(n);
    Path folder = options.work().resolve("manifests");
    Workload.write(folder, manifests);

    RequestCounter libCounter = new RequestCounter();
    RequestCounter dryCounter = new RequestCounter();
    RequestCounter observerCounter = new RequestCounter();
    try (KubernetesClient lib = cluster.client(LIB_AGENT, libCounter);
        KubernetesClient dry = cluster.client(DRY_AGENT, dryCounter);
        KubernetesClient observer = cluster.client("observer-bench", observerCounter)) {
      String libNs = "bench-gitops4j";
      String kubectlNs = "bench-kubectl";
      observer
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(libNs).endMetadata().build())
          .create();
      observer
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(kubectlNs).endMetadata().build())
          .create();
      long heapBefore = steadyHeap();

      KubernetesTarget k8s = KubernetesTarget.builder(lib).defaultNamespace(libNs).build();

      // Initial sync.
      log("initial sync of " + n + " objects with gitops4j");
      List<PassResult> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
      Engine manual =
          engine(k8s, DirectorySource.of(folder), SyncPolicy.automatic(), finished, 3600);
      long t0 = System.nanoTime();
      PassResult created = manual.trigger(APP).get(30, TimeUnit.MINUTES);
      long libSync = System.nanoTime() - t0;
      require(created.status() == PassStatus.SYNCED, "initial sync: " + created.error());
      require(created.writes() >= n, "initial sync wrote " + created.writes() + " of " + n);
      log("initial sync of " + n + " objects with kubectl");
      MeasuredProcess kubectlSync =
          cluster.kubectl(
              "apply",
              "--server-side",
              "--field-manager=" + KUBECTL_MANAGER,
              "-n",
              kubectlNs,
              "-f",
              folder.toString());
      report.row(
          "Initial sync, " + n + " objects (wall)",
          nanos(libSync),
          "`kubectl apply --server-side -f`",
          nanos(kubectlSync.wallNanos()),
          (double) libSync / kubectlSync.wallNanos(),
          "engine pass incl. render, inventory, applies; ≤ 0.5× is the target");

      // No-op passes: every one checked (client count = audit log, reads only).
      log("no-op passes");
      List<Cost> passes = new ArrayList<>();
      for (int i = 0; i < options.noopPasses(); i++) {
        passes.add(
            Cost.measure(
                cluster,
                libCounter,
                LIB_AGENT,
                "gitops4j no-op pass " + (i + 1),
                Cost.READS,
                () -> {
                  PassResult result = manual.trigger(APP).get(10, TimeUnit.MINUTES);
                  require(
                      result.status() == PassStatus.IN_SYNC,
                      "no-op pass: " + result.status() + " " + result.error());
                }));
      }
      long heapSteady = steadyHeap();
      manual.close();
      Cost noop = Cost.median(passes);

      List<Baseline> baselines = new ArrayList<>();
      baselines.add(
          new Baseline(
              "kubectl re-apply",
              Cost.kubectl(
                  cluster,
                  "kubectl re-apply",
                  KUBECTL_VERBS,
                  "apply",
                  "--server-side",
                  "--field-manager=" + KUBECTL_MANAGER,
                  "-n",
                  kubectlNs,
                  "-f",
                  folder.toString()),
              "`kubectl apply --server-side -f` again; CPU of the kubectl process; requests from"
                  + " the audit log"));
      List<HasMetadata> objects =
          dry.load(
                  new ByteArrayInputStream(
                      String.join("---\n", manifests.values()).getBytes(StandardCharsets.UTF_8)))
              .items();
      log("dry-run strategies");
      baselines.addAll(dryRunBaselines(cluster, dry, dryCounter, kubectlNs, objects));

      report.row(
          "No-op pass, " + n + " objects (wall, median of " + passes.size() + ")",
          nanos(noop.wallNanos()),
          baselines.get(0).name(),
          nanos(baselines.get(0).cost().wallNanos()),
          (double) noop.wallNanos() / baselines.get(0).cost().wallNanos(),
          "target: < 1 s at 5,000");
      for (Baseline baseline : baselines.subList(1, baselines.size())) {
        report.row(
            "No-op pass (wall)",
            nanos(noop.wallNanos()),
            baseline.name(),
            nanos(baseline.cost().wallNanos()),
            (double) noop.wallNanos() / baseline.cost().wallNanos(),
            baseline.note());
      }
      for (Baseline baseline : baselines) {
        report.row(
            "No-op pass (client CPU)",
            nanos(noop.cpuNanos()) + " JVM",
            baseline.name(),
            nanos(baseline.cost().cpuNanos()),
            (double) noop.cpuNanos() / Math.max(1, baseline.cost().cpuNanos()),
            "process CPU (OperatingSystemMXBean); kubectl: its process");
      }
      for (Baseline baseline : baselines) {
        report.row(
            "No-op pass (API server + etcd CPU)",
            nanos(noop.serverCpuNanos()),
            baseline.name(),
            nanos(baseline.cost().serverCpuNanos()),
            (double) noop.serverCpuNanos() / Math.max(1, baseline.cost().serverCpuNanos()),
            "utime + stime of kube-apiserver and etcd from /proc");
      }
      for (Baseline baseline : baselines) {
        report.row(
            "No-op pass requests (client = audit log)",
            verbs(noop.requests()),
            baseline.name(),
            verbs(baseline.cost().requests()),
            (double) total(noop.requests()) / Math.max(1, total(baseline.cost().requests())),
            "fabric8 Interceptor and kube-apiserver `--audit-log-path` by user agent, asserted"
                + " equal; gitops4j: reads only, asserted");
      }
      report.row(
          "Heap in steady state, " + n + " objects",
          mib(heapSteady),
          "same JVM before the engine",
          mib(heapBefore),
          (double) heapSteady / heapBefore,
          "used heap after System.gc(), after " + options.noopPasses() + " no-op passes");

      // Self-heal, webhook and polling latencies on a Git-backed application.
      Path repoDir = options.work().resolve("repo");
      try (GitRepoFixture repo = GitRepoFixture.create(repoDir)) {
        repo.commit("objects", manifests);
        Source git =
            GitSource.builder(repo.uri())
                .cacheDir(options.work().resolve("git-cache"))
                .shallow(false)
                .build();
        selfHealAndWebhook(k8s, git, repo, observer, libNs, finished);
        polling(k8s, git, repo, observer, libNs);
      }
    }
  }

  /**
   * One no-op pass of each dry-run strategy over {@code objects}, which {@code namespace} holds in
   * sync (applied by {@code KUBECTL_MANAGER}), through {@code client}; each must find no drift and
   * send only its own verbs.
   */
  static List<Baseline> dryRunBaselines(
      AuditedCluster cluster,
      KubernetesClient client,
      RequestCounter counter,
      String namespace,
      List<HasMetadata> objects)
      throws Exception {
    List<Baseline> baselines = new ArrayList<>();
    baselines.add(
        new Baseline(
            "dry-run every object, sequential",
            Cost.measure(
                cluster,
                counter,
                DRY_AGENT,
                "sequential dry-run pass",
                SEQUENTIAL_VERBS,
                () -> {
                  int drift =
                      DryRunStrategy.sequentialPass(client, namespace, objects, KUBECTL_MANAGER);
                  require(drift == 0, "sequential dry-run pass saw " + drift + " drifted objects");
                }),
            "one LIST per kind, then a dry-run SSA per object, one at a time"));
    for (int concurrency : FLUX_CONCURRENCY) {
      baselines.add(
          new Baseline(
              "Flux kustomize-controller, `--concurrent-ssa " + concurrency + "`",
              Cost.measure(
                  cluster,
                  counter,
                  DRY_AGENT,
                  "Flux strategy, concurrency " + concurrency,
                  FLUX_NOOP_VERBS,
                  () -> {
                    int applied =
                        DryRunStrategy.fluxPass(
                            client, namespace, objects, KUBECTL_MANAGER, concurrency);
                    require(applied == 0, "Flux strategy applied " + applied + " objects");
                  }),
              "GET + dry-run SSA per object, " + concurrency + " in flight (ssa.ApplyAll)"));
    }
    return baselines;
  }

  private void selfHealAndWebhook(
      KubernetesTarget k8s,
      Source git,
      GitRepoFixture repo,
      KubernetesClient observer,
      String ns,
      List<PassResult> finished)
      throws Exception {
    finished.clear();
    // The default policy, without force: fields taken by a hand edit (an Update by another field
    // manager) are taken back by the target itself (see docs/kubernetes.md).
    Engine engine = engine(k8s, git, SyncPolicy.automatic(), finished, 3600);
    engine.start();
    await(Duration.ofMinutes(10), () -> !finished.isEmpty(), "first pass of the started engine");
    require(
        finished.get(0).status() == PassStatus.IN_SYNC
            || finished.get(0).status() == PassStatus.SYNCED,
        "first pass: " + finished.get(0).status() + " " + finished.get(0).error());

    log("self-heal trials");
    List<Long> heal = new ArrayList<>();
    for (int i = 0; i < options.healTrials(); i++) {
      String name = "cm-" + (5 * (i % Math.max(1, options.objects() / 5)));
      int before = finished.size();
      ConfigMap live = observer.configMaps().inNamespace(ns).withName(name).get();
      ConfigMap edited = new ConfigMapBuilder(live).addToData("value", "by-hand-" + i).build();
      long t0 = System.nanoTime();
      observer.configMaps().inNamespace(ns).resource(edited).update();
      await(
          Duration.ofMinutes(2),
          () -> "v1".equals(value(observer, ns, name)),
          "self-heal of " + name);
      heal.add(System.nanoTime() - t0);
      await(Duration.ofMinutes(2), () -> finished.size() > before, "healing pass to finish");
    }
    report.row(
        "Self-heal latency p50 / p95 (" + heal.size() + " trials)",
        nanos(percentile(heal, 50)) + " / " + nanos(percentile(heal, 95)),
        "—",
        "—",
        Double.NaN,
        "client Update by another field manager → restored; watch + 500 ms debounce + pass; "
            + "default policy (no force); target p50 < 2 s");

    log("webhook trials");
    latencies =
        webhookDeliveries(engine, repo, observer, ns, finished, options.latencyTrials()).stream()
            .map(Delivery::latencyNanos)
            .toList();
    engine.close();
  }

  /**
   * One webhook delivery: from the push until the value is live, and how long the apply step of the
   * pass that wrote it took.
   */
  record Delivery(long latencyNanos, long applyNanos) {}

  /**
   * {@code trials} commits that each change {@code cm-0}, each announced by a signed generic
   * webhook delivery through {@link WebhookReceiver} and {@link Engine#pushed}; {@code engine} is
   * started over {@code repo} and reports its passes to {@code finished}.
   */
  static List<Delivery> webhookDeliveries(
      Engine engine,
      GitRepoFixture repo,
      KubernetesClient observer,
      String ns,
      List<PassResult> finished,
      int trials)
      throws Exception {
    WebhookReceiver receiver = WebhookReceiver.builder().hmac("X-Signature", HOOK_SECRET).build();
    List<Delivery> deliveries = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      String value = "hook-" + i;
      String sha = repo.commit("hook " + i, Map.of("cm-0.yaml", Workload.configMap("cm-0", value)));
      long t0 = System.nanoTime();
      byte[] body =
          ("{\"repository\":\""
                  + repo.uri()
                  + "\",\"ref\":\"refs/heads/main\",\"after\":\""
                  + sha
                  + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      WebhookDecision decision =
          receiver.receive(
              new WebhookRequest(
                  Map.of(
                      "X-Signature", List.of("sha256=" + hmac(body)),
                      "X-Delivery-Id", List.of("delivery-" + i),
                      "Content-Type", List.of("application/json")),
                  body));
      PushEvent event =
          decision
              .event()
              .orElseThrow(
                  () -> new IllegalStateException("webhook refused: " + decision.message()));
      require(!engine.pushed(event).isEmpty(), "push did not trigger " + APP);
      await(Duration.ofMinutes(5), () -> value.equals(value(observer, ns, "cm-0")), "webhook sync");
      long latency = System.nanoTime() - t0;
      await(
          Duration.ofMinutes(5),
          () -> finished.stream().anyMatch(r -> sha.equals(r.revision()) && r.writes() > 0),
          "the pass of " + sha);
      long apply =
          finished.stream()
              .filter(r -> sha.equals(r.revision()))
              .flatMap(r -> r.results().stream())
              .filter(r -> r.outcome() == dev.gitops4j.model.StepResult.Outcome.APPLIED)
              .mapToLong(r -> r.duration().toNanos())
              .sum();
      deliveries.add(new Delivery(latency, apply));
    }
    return deliveries;
  }

  private void polling(
      KubernetesTarget k8s, Source git, GitRepoFixture repo, KubernetesClient observer, String ns)
      throws Exception {
    log("polling trials");
    List<PassResult> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
    Engine engine = engine(k8s, git, SyncPolicy.automatic(), finished, 1);
    engine.start();
    await(Duration.ofMinutes(10), () -> !finished.isEmpty(), "first polling pass");
    List<Long> poll = new ArrayList<>();
    for (int i = 0; i < options.latencyTrials(); i++) {
      String value = "poll-" + i;
      repo.commit("poll " + i, Map.of("cm-0.yaml", Workload.configMap("cm-0", value)));
      long t0 = System.nanoTime();
      await(Duration.ofMinutes(5), () -> value.equals(value(observer, ns, "cm-0")), "polled sync");
      poll.add(System.nanoTime() - t0);
    }
    engine.close();
    report.row(
        "Commit → applied, webhook (p50 / p95, " + latencies.size() + " trials)",
        nanos(percentile(latencies, 50)) + " / " + nanos(percentile(latencies, 95)),
        "polling every 1 s (p50 / p95)",
        nanos(percentile(poll, 50)) + " / " + nanos(percentile(poll, 95)),
        (double) percentile(latencies, 50) / percentile(poll, 50),
        "one ConfigMap changed in a file:// Git repository; pass over all objects");
  }

  static Engine engine(
      KubernetesTarget k8s,
      Source source,
      SyncPolicy policy,
      List<PassResult> finished,
      long intervalSeconds) {
    return Engine.builder()
        .intervalJitter(0)
        .listener(
            new ReconcileListener() {
              @Override
              public void passFinished(PassResult result) {
                finished.add(result);
              }
            })
        .application(
            Application.builder(APP)
                .source(source)
                .target(k8s.target(APP))
                .policy(policy)
                .interval(Duration.ofSeconds(intervalSeconds))
                .build())
        .build();
  }

  private static String value(KubernetesClient client, String ns, String name) {
    ConfigMap map = client.configMaps().inNamespace(ns).withName(name).get();
    return map == null || map.getData() == null ? null : map.getData().get("value");
  }

  private static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Digests.hex(mac.doFinal(body));
  }
}
