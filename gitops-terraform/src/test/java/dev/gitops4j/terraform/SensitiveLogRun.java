package dev.gitops4j.terraform;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The run of {@link SensitiveLogCaptureIT} in its own JVM, with every logger at TRACE: real
 * OpenTofu applies a configuration with a {@code sensitive} variable (written to a {@code
 * local_sensitive_file}) and a {@code sensitive} output (a {@code random_password}), heals a hand
 * edit that put another value into that file, then fails an apply whose provider error quotes the
 * variable's value. Writes results, step messages, drift reports, rendered diffs, events and
 * outputs to {@code dump.txt}; the history goes to {@code history.jsonl}. Prints a {@code STEP}
 * line per stage and exits 0 when every stage went as expected.
 *
 * <p>Arguments: work folder, the sensitive token, the hand-edited value.
 */
public final class SensitiveLogRun {

  private SensitiveLogRun() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    String token = args[1];
    String edited = args[2];
    String app = "infra";
    Path out = Files.createDirectories(work.resolve("out"));
    Testbed testbed = Testbed.get();
    List<String> dump = new ArrayList<>();
    boolean ok;
    try (TerraformTarget tofu =
            TerraformTarget.builder(work.resolve("tf"))
                .binary(testbed.tofu())
                .cliConfig(testbed.tofuCliConfig())
                .variable("out", out.toString())
                .variable("token", token)
                .commandTimeout(Duration.ofMinutes(2))
                .listener(event -> dump.add("event: " + event))
                .build();
        JsonLinesHistoryStore history = JsonLinesHistoryStore.open(work.resolve("history.jsonl"))) {
      Target target = tofu.target(app);
      InMemorySource repo = InMemorySource.create();
      ReconcileListener listener =
          new ReconcileListener() {
            @Override
            public void driftFound(String application, DriftReport report) {
              dump.add("drift: " + report);
              dump.add("diff: " + target.unifiedDiff().render(report));
            }

            @Override
            public void changeFailed(String application, StepResult result) {
              dump.add("failed: " + result + " " + result.message());
            }
          };
      try (Engine engine =
          Engine.builder()
              .history(history)
              .listener(listener)
              .backoff(Duration.ofHours(1), Duration.ofHours(1)) // only the passes asked for
              .application(
                  Application.builder(app)
                      .source(repo)
                      .target(target)
                      .policy(SyncPolicy.automatic())
                      .interval(Duration.ofHours(1))
                      .build())
              .build()) {
        LoggerFactory.getLogger(SensitiveLogRun.class).trace("TRACE logging is on");
        repo.commit(config());
        PassResult synced = pass(engine, app, dump, tofu);
        Path file = out.resolve("token.txt");
        boolean created =
            synced.status() == PassStatus.SYNCED
                && token.equals(Files.readString(file, StandardCharsets.UTF_8));
        System.out.println("STEP sync " + synced.status() + " " + created);

        Files.writeString(file, edited, StandardCharsets.UTF_8);
        PassResult healed = pass(engine, app, dump, tofu);
        boolean back =
            healed.status() == PassStatus.SYNCED
                && token.equals(Files.readString(file, StandardCharsets.UTF_8));
        System.out.println("STEP heal " + healed.status() + " " + back);

        // A provider error that quotes the secret: the file's path is the token, and a folder
        // of that name is in the way, so the provider answers "open <out>/<token>: is a directory".
        Files.createDirectories(out.resolve(token));
        Map<String, String> failing = config();
        failing.put(
            "failing.tf",
            "resource \"local_file\" \"in_the_way\" {\n"
                + "  filename = \"${var.out}/${var.token}\"\n"
                + "  content  = \"x\"\n"
                + "}\n");
        repo.commit(failing);
        PassResult failed = pass(engine, app, dump, tofu);
        boolean refused = failed.status() == PassStatus.FAILED;
        System.out.println("STEP provider-error " + failed.status() + " " + refused);
        ok = created && back && refused;
      }
    }
    Files.write(work.resolve("dump.txt"), dump, StandardCharsets.UTF_8);
    System.exit(ok ? 0 : 2);
  }

  private static PassResult pass(Engine engine, String app, List<String> dump, TerraformTarget tofu)
      throws Exception {
    PassResult result = engine.trigger(app).get(5, TimeUnit.MINUTES);
    dump.add("result: " + result);
    dump.add("error: " + result.error());
    if (result.drift() != null) {
      dump.add("report: " + result.drift());
    }
    if (result.plan() != null) {
      dump.add("plan: " + result.plan() + " " + result.plan().summary());
    }
    for (StepResult step : result.results()) {
      dump.add("step: " + step + " " + step.message());
    }
    tofu.outputs().values().forEach(o -> dump.add("output: " + o + " " + o.value()));
    return result;
  }

  private static Map<String, String> config() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "variables.tf",
        "variable \"out\" {\n  type = string\n}\n\n"
            + "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n");
    files.put(
        "main.tf",
        "resource \"local_sensitive_file\" \"token\" {\n"
            + "  filename = \"${var.out}/token.txt\"\n"
            + "  content  = var.token\n"
            + "}\n\n"
            + "resource \"random_password\" \"pw\" {\n"
            + "  length = 24\n"
            + "}\n\n"
            + "output \"pw\" {\n"
            + "  value     = random_password.pw.result\n"
            + "  sensitive = true\n"
            + "}\n\n"
            + "output \"token\" {\n"
            + "  value     = var.token\n"
            + "  sensitive = true\n"
            + "}\n");
    return files;
  }
}
