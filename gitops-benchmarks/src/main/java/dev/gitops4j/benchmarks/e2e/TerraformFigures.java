package dev.gitops4j.benchmarks.e2e;

import static dev.gitops4j.benchmarks.e2e.Measure.log;
import static dev.gitops4j.benchmarks.e2e.Measure.median;
import static dev.gitops4j.benchmarks.e2e.Measure.require;
import static dev.gitops4j.benchmarks.e2e.Report.nanos;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.terraform.TerraformTarget;
import dev.gitops4j.test.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTofu figures: first sync and no-op pass of a configuration of {@code local_file}
 * resources, next to {@code tofu init}/{@code apply} and {@code tofu plan} run directly, in turns.
 */
final class TerraformFigures {

  private final Harness.Options options;
  private final Report report;

  TerraformFigures(Harness.Options options, Report report) {
    this.options = options;
    this.report = report;
  }

  /** Measures with the testbed's OpenTofu and adds the rows to the report. */
  void measure(Testbed testbed) throws Exception {
    int count = options.tfResources();
    String config = tfConfig(count);
    Path root = options.work().resolve("terraform");
    String tofu = testbed.tofu().toString();
    // Library and direct runs alternate, so that a change in machine load hits both sides.
    int syncTrials = options.tfSyncTrials();
    int planTrials = options.tfPlanTrials();
    List<Long> libSyncs = new ArrayList<>();
    List<Long> directSyncs = new ArrayList<>();
    // CLI CPU (tofu and its providers) moves less with machine load than wall time does.
    List<Long> libSyncCpu = new ArrayList<>();
    List<Long> directSyncCpu = new ArrayList<>();
    List<Long> libPlans = new ArrayList<>();
    List<Long> directPlans = new ArrayList<>();
    List<Engine> engines = new ArrayList<>();
    Path directDir = null;
    Map<String, String> directEnv = null;
    try {
      for (int trial = 0; trial < syncTrials; trial++) {
        log("terraform: first sync, trial " + (trial + 1) + ", load " + Report.loadAverage());
        directDir = Files.createDirectories(root.resolve("direct-" + trial));
        Path directOut = Files.createDirectories(root.resolve("direct-out-" + trial));
        Files.writeString(directDir.resolve("main.tf"), config);
        directEnv =
            Map.of(
                "TF_CLI_CONFIG_FILE", testbed.tofuCliConfig().toString(),
                "TF_VAR_out", directOut.toString(),
                "TF_IN_AUTOMATION", "1");
        MeasuredProcess init =
            MeasuredProcess.run(List.of(tofu, "init", "-input=false"), directEnv, directDir);
        MeasuredProcess apply =
            MeasuredProcess.run(
                List.of(tofu, "apply", "-input=false", "-auto-approve"), directEnv, directDir);
        directSyncs.add(init.wallNanos() + apply.wallNanos());
        directSyncCpu.add(init.cpuNanos() + apply.cpuNanos());

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
        long cpu0 = MeasuredProcess.childrenCpuNanos();
        long t0 = System.nanoTime();
        PassResult first = engine.trigger("infra").get(20, TimeUnit.MINUTES);
        libSyncs.add(System.nanoTime() - t0);
        libSyncCpu.add(MeasuredProcess.childrenCpuNanos() - cpu0);
        require(first.status() == PassStatus.SYNCED, "terraform apply pass: " + first.error());
        log(
            "terraform: library first sync "
                + nanos(libSyncs.get(trial))
                + "; direct init "
                + nanos(init.wallNanos())
                + " + apply "
                + nanos(apply.wallNanos())
                + "; CLI CPU "
                + nanos(libSyncCpu.get(trial))
                + " vs "
                + nanos(directSyncCpu.get(trial)));
        try (var files = Files.list(libOut)) {
          require(files.count() == count, "expected " + count + " files written by the library");
        }
      }
      log("terraform: no-op passes and plans");
      Engine engine = engines.get(engines.size() - 1);
      for (int i = 0; i < planTrials; i++) {
        directPlans.add(
            MeasuredProcess.run(
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
        "pass: init, plan -out, show -json, apply FILE (`version` once per CLI and process);"
            + " alternating with the direct runs; target ≤ 1.1×");
    report.row(
        "Terraform first sync, CLI CPU (median of " + syncTrials + ")",
        nanos(median(libSyncCpu)),
        "`tofu init` + `tofu apply -auto-approve`",
        nanos(median(directSyncCpu)),
        (double) median(libSyncCpu) / median(directSyncCpu),
        "CPU of the tofu processes and their providers (children of the JVM, 10 ms ticks)");
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
}
