package dev.gitops4j.benchmarks.e2e;

import dev.gitops4j.test.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end figures of gitops4j against the testbed's real kube-apiserver and OpenTofu, each next
 * to a baseline measured in the same run, printed as a Markdown table.
 *
 * <pre>
 * java -cp gitops-benchmarks/target/benchmarks.jar dev.gitops4j.benchmarks.e2e.Harness \
 *     --objects 1000 [--heal-trials 20] [--latency-trials 5] [--noop-passes 5] \
 *     [--tf-resources 20] [--tf-sync-trials 3] [--tf-plan-trials 7] [--terraform-only] \
 *     [--out results.md]
 * </pre>
 *
 * <p>{@code --terraform-only} skips the Kubernetes figures (no API server is started) and measures
 * only the OpenTofu rows; with {@code -Dorg.slf4j.simpleLogger.log.dev.gitops4j.terraform=debug}
 * each CLI command the library runs is logged with its wall time.
 */
public final class Harness {

  static final String APP = "bench";
  static final String LIB_AGENT = "gitops4j-bench";
  static final String DRY_AGENT = "dryrun-bench";
  static final String KUBECTL_MANAGER = "bench-kubectl";

  /** Settings from the command line. */
  record Options(
      int objects,
      int healTrials,
      int latencyTrials,
      int noopPasses,
      int tfResources,
      int tfSyncTrials,
      int tfPlanTrials,
      boolean terraformOnly,
      Path out,
      Path work) {

    static Options parse(String... args) throws IOException {
      Map<String, String> values = new LinkedHashMap<>();
      boolean terraformOnly = false;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--terraform-only")) {
          terraformOnly = true;
          continue;
        }
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
              Integer.parseInt(values.getOrDefault("tf-sync-trials", "3")),
              Integer.parseInt(values.getOrDefault("tf-plan-trials", "7")),
              terraformOnly,
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
                  "tf-sync-trials",
                  "tf-plan-trials",
                  "out",
                  "work"));
      if (!values.isEmpty()) {
        throw new IllegalArgumentException("unknown options " + values.keySet());
      }
      if (options.objects < 5 || options.healTrials < 1 || options.latencyTrials < 1) {
        throw new IllegalArgumentException("need --objects >= 5 and at least one trial");
      }
      if (options.tfResources < 1 || options.tfSyncTrials < 1 || options.tfPlanTrials < 1) {
        throw new IllegalArgumentException("need --tf-resources and Terraform trials >= 1");
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
    Measure.log("work directory " + options.work());
    if (!options.terraformOnly()) {
      try (AuditedCluster cluster = new AuditedCluster(testbed, options.work())) {
        new KubernetesFigures(options, report).measure(cluster);
      }
    }
    new TerraformFigures(options, report).measure(testbed);
    return report.markdown(options);
  }
}
