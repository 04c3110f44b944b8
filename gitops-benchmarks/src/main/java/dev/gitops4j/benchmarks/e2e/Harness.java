package dev.gitops4j.benchmarks.e2e;

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
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.source.Source;
import dev.gitops4j.terraform.TerraformTarget;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.Testbed;
import dev.gitops4j.webhook.PushEvent;
import dev.gitops4j.webhook.WebhookDecision;
import dev.gitops4j.webhook.WebhookReceiver;
import dev.gitops4j.webhook.WebhookRequest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * End-to-end figures of gitops4j against the testbed's real kube-apiserver and OpenTofu, each next
 * to a baseline measured in the same run, printed as a Markdown table.
 *
 * <pre>
 * java -cp gitops-benchmarks/target/benchmarks.jar dev.gitops4j.benchmarks.e2e.Harness \
 *     --objects 1000 [--heal-trials 20] [--latency-trials 5] [--noop-passes 5] \
 *     [--tf-resources 20] [--out results.md]
 * </pre>
 */
public final class Harness {

  static final String APP = "bench";
  static final String LIB_AGENT = "gitops4j-bench";
  static final String DRY_AGENT = "dryrun-bench";
  static final String KUBECTL_MANAGER = "bench-kubectl";
  private static final String HOOK_SECRET = "bench-webhook-secret";

  /** Settings from the command line. */
  record Options(
      int objects,
      int healTrials,
      int latencyTrials,
      int noopPasses,
      int tfResources,
      Path out,
      Path work) {

    static Options parse(String... args) throws IOException {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
        }
        values.put(args[i].substring(2), args[++i]);
      }
      Options options =
          new Options(
              Integer.parseInt(values.getOrDefault("objects", "1000")),
              Integer.parseInt(values.getOrDefault("heal-trials", "20")),
              Integer.parseInt(values.getOrDefault("latency-trials", "5")),
              Integer.parseInt(values.getOrDefault("noop-passes", "5")),
              Integer.parseInt(values.getOrDefault("tf-resources", "20")),
              values.containsKey("out") ? Path.of(values.get("out")) : null,
              values.containsKey("work")
                  ? Path.of(values.get("work"))
                  : Files.createTempDirectory("gitops4j-e2e"));
      values
          .keySet()
          .removeAll(
              List.of(
                  "objects",
                  "heal-trials",
                  "latency-trials",
                  "noop-passes",
                  "tf-resources",
                  "out",
                  "work"));
      if (!values.isEmpty()) {
        throw new IllegalArgumentException("unknown options " + values.keySet());
      }
      if (options.objects < 5 || options.healTrials < 1 || options.latencyTrials < 1) {
        throw new IllegalArgumentException("need --objects >= 5 and at least one trial");
      }
      return options;
    }
  }

  private final Options options;
  private final Report report = new Report();

  Harness(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String table = new Harness(options).run();
    System.out.println(table);
    if (options.out() != null) {
      Files.writeString(options.out(), table);
    }
    // Informer and HTTP threads of closed clients may linger; the figures are out.
    System.exit(0);
  }

  /** Runs every measurement and returns the Markdown table. */
  String run() throws Exception {
    Testbed testbed = Testbed.get();
    Files.createDirectories(options.work());
    log("work directory " + options.work());
    try (AuditedCluster cluster = new AuditedCluster(testbed, options.work())) {
      kubernetes(cluster);
    }
    terraform(testbed);
    return report.markdown(options);
  }

  // ---------------------------------------------------------------- Kubernetes

  private void kubernetes(AuditedCluster cluster) throws Exception {
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
      AuditedCluster.Run kubectlSync =
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

      // No-op passes.
      log("no-op passes");
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      List<Long> walls = new ArrayList<>();
      List<Long> cpus = new ArrayList<>();
      Map<String, Long> clientCounts = Map.of();
      Map<String, Long> auditCounts = Map.of();
      for (int i = 0; i < options.noopPasses(); i++) {
        boolean last = i == options.noopPasses() - 1;
        long mark = last ? cluster.auditMark() : 0;
        libCounter.reset();
        long cpu0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        PassResult noop = manual.trigger(APP).get(10, TimeUnit.MINUTES);
        walls.add(System.nanoTime() - w0);
        cpus.add(os.getProcessCpuTime() - cpu0);
        require(noop.status() == PassStatus.IN_SYNC, "no-op pass: " + noop.status() + noop.error());
        if (last) {
          clientCounts = libCounter.snapshot();
          auditCounts = cluster.auditSince(mark, LIB_AGENT);
        }
      }
      long heapSteady = steadyHeap();
      manual.close();

      long mark = cluster.auditMark();
      AuditedCluster.Run reapply =
          cluster.kubectl(
              "apply",
              "--server-side",
              "--field-manager=" + KUBECTL_MANAGER,
              "-n",
              kubectlNs,
              "-f",
              folder.toString());
      Map<String, Long> kubectlAudit = cluster.auditSince(mark, "kubectl");

      log("dry-run-every-object strategy");
      List<HasMetadata> objects =
          dry.load(
                  new ByteArrayInputStream(
                      String.join("---\n", manifests.values()).getBytes(StandardCharsets.UTF_8)))
              .items();
      mark = cluster.auditMark();
      dryCounter.reset();
      long dryCpu0 = os.getProcessCpuTime();
      long d0 = System.nanoTime();
      int dryDrift = DryRunStrategy.pass(dry, kubectlNs, objects, KUBECTL_MANAGER);
      long dryWall = System.nanoTime() - d0;
      long dryCpu = os.getProcessCpuTime() - dryCpu0;
      Map<String, Long> dryClient = dryCounter.snapshot();
      Map<String, Long> dryAudit = cluster.auditSince(mark, DRY_AGENT);
      require(dryDrift == 0, "dry-run strategy saw " + dryDrift + " drifted objects");

      long libWall = median(walls);
      long libCpu = median(cpus);
      report.row(
          "No-op pass, " + n + " objects (wall, median of " + walls.size() + ")",
          nanos(libWall),
          "kubectl re-apply",
          nanos(reapply.wallNanos()),
          (double) libWall / reapply.wallNanos(),
          "target: < 1 s at 5,000");
      report.row(
          "No-op pass (wall)",
          nanos(libWall),
          "dry-run every object",
          nanos(dryWall),
          (double) libWall / dryWall,
          "same client, sequential dry-run SSA per object after one LIST per kind");
      report.row(
          "No-op pass (CPU)",
          nanos(libCpu) + " JVM",
          "kubectl re-apply",
          nanos(reapply.cpuNanos()) + " kubectl",
          (double) libCpu / Math.max(1, reapply.cpuNanos()),
          "process CPU (OperatingSystemMXBean) vs the kubectl process");
      report.row(
          "No-op pass (CPU)",
          nanos(libCpu) + " JVM",
          "dry-run every object",
          nanos(dryCpu) + " JVM",
          (double) libCpu / Math.max(1, dryCpu),
          "client side only; the API server's CPU is not counted");
      report.row(
          "No-op pass requests (client)",
          verbs(clientCounts),
          "dry-run every object (client)",
          verbs(dryClient),
          (double) total(clientCounts) / Math.max(1, total(dryClient)),
          "counted by a fabric8 Interceptor; target: 0 writes, 0 dry runs");
      report.row(
          "No-op pass requests (audit log)",
          verbs(auditCounts),
          "kubectl re-apply (audit log)",
          verbs(kubectlAudit),
          (double) total(auditCounts) / Math.max(1, total(kubectlAudit)),
          "kube-apiserver `--audit-log-path`, by user agent; dry-run strategy: " + verbs(dryAudit));
      require(
          !clientCounts.containsKey("patch")
              && !clientCounts.containsKey("patch (dry run)")
              && !clientCounts.containsKey("create")
              && !clientCounts.containsKey("update"),
          "no-op pass wrote: " + clientCounts);
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
    WebhookReceiver receiver = WebhookReceiver.builder().hmac("X-Signature", HOOK_SECRET).build();
    List<Long> hook = new ArrayList<>();
    for (int i = 0; i < options.latencyTrials(); i++) {
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
      hook.add(System.nanoTime() - t0);
    }
    engine.close();
    latencies = hook;
  }

  private List<Long> latencies;

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

  private Engine engine(
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

  // ---------------------------------------------------------------- Terraform

  private void terraform(Testbed testbed) throws Exception {
    int count = options.tfResources();
    String config = tfConfig(count);
    Path root = options.work().resolve("terraform");
    String tofu = testbed.tofu().toString();
    // Library and direct runs alternate, so that a change in machine load hits both sides.
    int syncTrials = 3;
    int planTrials = 7;
    List<Long> libSyncs = new ArrayList<>();
    List<Long> directSyncs = new ArrayList<>();
    List<Long> libPlans = new ArrayList<>();
    List<Long> directPlans = new ArrayList<>();
    List<Engine> engines = new ArrayList<>();
    Path directDir = null;
    Map<String, String> directEnv = null;
    try {
      for (int trial = 0; trial < syncTrials; trial++) {
        log("terraform: first sync, trial " + (trial + 1));
        directDir = Files.createDirectories(root.resolve("direct-" + trial));
        Path directOut = Files.createDirectories(root.resolve("direct-out-" + trial));
        Files.writeString(directDir.resolve("main.tf"), config);
        directEnv =
            Map.of(
                "TF_CLI_CONFIG_FILE", testbed.tofuCliConfig().toString(),
                "TF_VAR_out", directOut.toString(),
                "TF_IN_AUTOMATION", "1");
        AuditedCluster.Run init =
            AuditedCluster.run(List.of(tofu, "init", "-input=false"), directEnv, directDir);
        AuditedCluster.Run apply =
            AuditedCluster.run(
                List.of(tofu, "apply", "-input=false", "-auto-approve"), directEnv, directDir);
        directSyncs.add(init.wallNanos() + apply.wallNanos());

        Path libOut = Files.createDirectories(root.resolve("lib-out-" + trial));
        TerraformTarget target =
            TerraformTarget.builder(root.resolve("lib-" + trial))
                .binary(testbed.tofu())
                .cliConfig(testbed.tofuCliConfig())
                .variable("out", libOut.toString())
                .commandTimeout(Duration.ofMinutes(10))
                .build();
        InMemorySource source = InMemorySource.create();
        source.commit(Map.of("main.tf", config));
        Engine engine =
            Engine.builder()
                .application(
                    Application.builder("infra")
                        .source(source)
                        .target(target.target("infra"))
                        .policy(SyncPolicy.automatic())
                        .interval(Duration.ofHours(1))
                        .build())
                .build();
        engines.add(engine);
        long t0 = System.nanoTime();
        PassResult first = engine.trigger("infra").get(20, TimeUnit.MINUTES);
        libSyncs.add(System.nanoTime() - t0);
        require(first.status() == PassStatus.SYNCED, "terraform apply pass: " + first.error());
        try (var files = Files.list(libOut)) {
          require(files.count() == count, "expected " + count + " files written by the library");
        }
      }
      log("terraform: no-op passes and plans");
      Engine engine = engines.get(engines.size() - 1);
      for (int i = 0; i < planTrials; i++) {
        directPlans.add(
            AuditedCluster.run(
                    List.of(tofu, "plan", "-input=false", "-detailed-exitcode"),
                    directEnv,
                    directDir)
                .wallNanos());
        long p0 = System.nanoTime();
        PassResult noop = engine.trigger("infra").get(20, TimeUnit.MINUTES);
        libPlans.add(System.nanoTime() - p0);
        require(
            noop.status() == PassStatus.IN_SYNC,
            "terraform no-op pass: " + noop.status() + noop.error());
      }
    } finally {
      engines.forEach(Engine::close);
    }
    report.row(
        "Terraform first sync, " + count + " × local_file (median of " + syncTrials + ")",
        nanos(median(libSyncs)),
        "`tofu init` + `tofu apply -auto-approve`",
        nanos(median(directSyncs)),
        (double) median(libSyncs) / median(directSyncs),
        "pass: init, plan -out, show -json, apply FILE; alternating with the direct runs;"
            + " target < 1.05×");
    report.row(
        "Terraform no-op pass (median of " + planTrials + ")",
        nanos(median(libPlans)),
        "`tofu plan` (median of " + planTrials + ")",
        nanos(median(directPlans)),
        (double) median(libPlans) / median(directPlans),
        "pass: plan -out only (no show for an in-sync plan); alternating with the direct plans");
  }

  private static String tfConfig(int count) {
    StringBuilder tf = new StringBuilder("variable \"out\" {\n  type = string\n}\n\n");
    for (int i = 0; i < count; i++) {
      tf.append("resource \"local_file\" \"f")
          .append(i)
          .append("\" {\n  filename = \"${var.out}/f")
          .append(i)
          .append(".txt\"\n  content  = \"content of file ")
          .append(i)
          .append("\"\n}\n\n");
    }
    return tf.toString();
  }

  // ---------------------------------------------------------------- helpers

  private static long steadyHeap() {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  static void await(Duration timeout, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  static long median(List<Long> values) {
    return percentile(values, 50);
  }

  static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  static String nanos(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
    return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  static String verbs(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "0";
    }
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (verb, count) ->
            text.append(text.length() == 0 ? "" : ", ").append(verb).append(' ').append(count));
    return text.toString();
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static void log(String message) {
    System.err.println("[e2e] " + message);
  }

  /** Rows of the result table. */
  static final class Report {
    private final List<String> rows = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();

    void row(
        String figure,
        String gitops4j,
        String baseline,
        String baselineValue,
        double ratio,
        String note) {
      count.incrementAndGet();
      rows.add(
          "| "
              + figure
              + " | "
              + gitops4j
              + " | "
              + baseline
              + " | "
              + baselineValue
              + " | "
              + (Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f×", ratio))
              + " | "
              + note
              + " |");
    }

    String markdown(Options options) {
      Runtime runtime = Runtime.getRuntime();
      return "End-to-end results: "
          + options.objects()
          + " objects, "
          + runtime.availableProcessors()
          + " CPUs, max heap "
          + mib(runtime.maxMemory())
          + ", Java "
          + System.getProperty("java.version")
          + "\n\n| figure | gitops4j | baseline | baseline value | ratio | notes |\n"
          + "|---|---|---|---|---|---|\n"
          + String.join("\n", rows)
          + "\n";
    }
  }

  /** Used by {@link DryRunStrategy}. */
  static PatchContext forcedApply(String manager) {
    return new PatchContext.Builder()
        .withPatchType(PatchType.SERVER_SIDE_APPLY)
        .withFieldManager(manager)
        .withForce(true)
        .build();
  }
}
