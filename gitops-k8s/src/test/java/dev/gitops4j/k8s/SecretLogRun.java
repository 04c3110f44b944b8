package dev.gitops4j.k8s;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.ApprovalRequest;
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
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The run of {@link SecretLogCaptureIT} in its own JVM, so that every logger, from the first one
 * created, logs at TRACE into the output the test captures. Syncs a Secret (one value under {@code
 * data}, one under {@code stringData}), heals a hand edit that put another value in, then fails to
 * apply a third value that an admission policy refuses with a message quoting it. Writes everything
 * the engine hands out (results, step messages, drift reports and their rendered diffs, listener
 * callbacks) to the dump file; the history goes to {@code history.jsonl}. Prints one {@code STEP}
 * line per stage and exits 0 when every stage went as expected.
 *
 * <p>Arguments: kubeconfig file, work folder, namespace, then the four values: data, stringData,
 * drift, refused.
 */
public final class SecretLogRun {

  private SecretLogRun() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    Path work = Path.of(args[1]);
    String ns = args[2];
    String dataValue = args[3];
    String stringDataValue = args[4];
    String driftValue = args[5];
    String refusedValue = args[6];
    String app = "leak-canary";
    List<String> dump = new ArrayList<>();
    boolean ok;
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(
                    Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8)))
                .build();
        KubernetesTarget k8s = KubernetesTarget.builder(client).build();
        JsonLinesHistoryStore history = JsonLinesHistoryStore.open(work.resolve("history.jsonl"))) {
      Target target = k8s.target(app);
      InMemorySource repo = InMemorySource.create();
      ReconcileListener listener =
          new ReconcileListener() {
            @Override
            public void driftFound(String application, DriftReport report) {
              dump.add("drift: " + report);
              dump.add("diff: " + target.unifiedDiff().render(report));
            }

            @Override
            public void changeApplied(String application, StepResult result) {
              dump.add("applied: " + result);
            }

            @Override
            public void changeFailed(String application, StepResult result) {
              dump.add("failed: " + result + " " + result.message());
            }

            @Override
            public void approvalNeeded(ApprovalRequest request) {
              dump.add("approval: " + request);
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
        repo.commit(files(ns, secret(ns, dataValue, stringDataValue, false)));
        PassResult synced = pass(engine, app, dump);
        boolean created =
            synced.status() == PassStatus.SYNCED
                && dataValue.equals(live(client, ns, "password"))
                && stringDataValue.equals(live(client, ns, "token"));
        System.out.println("STEP sync " + synced.status() + " " + created);

        client
            .secrets()
            .inNamespace(ns)
            .withName("creds")
            .edit(
                s -> {
                  s.getData().put("password", base64(driftValue));
                  return s;
                });
        PassResult healed = pass(engine, app, dump);
        boolean back =
            healed.status() == PassStatus.SYNCED
                && healed.writes() == 1
                && dataValue.equals(live(client, ns, "password"));
        System.out.println("STEP heal " + healed.status() + " " + back);

        repo.commit(files(ns, secret(ns, refusedValue, stringDataValue, true)));
        PassResult refused = pass(engine, app, dump);
        boolean failed =
            refused.status() == PassStatus.FAILED
                && refused.error().contains("apply failed")
                && dataValue.equals(live(client, ns, "password"));
        System.out.println("STEP refuse " + refused.status() + " " + failed);
        ok = created && back && failed;
      }
    }
    Files.write(work.resolve("dump.txt"), dump, StandardCharsets.UTF_8);
    System.exit(ok ? 0 : 2);
  }

  private static PassResult pass(Engine engine, String app, List<String> dump) throws Exception {
    PassResult result = engine.trigger(app).get(2, TimeUnit.MINUTES);
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
    return result;
  }

  private static String live(KubernetesClient client, String ns, String key) {
    String encoded = client.secrets().inNamespace(ns).withName("creds").get().getData().get(key);
    return encoded == null
        ? null
        : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  private static Map<String, String> files(String ns, String secret) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n");
    files.put("secret.yaml", secret);
    files.put(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: "
            + ns
            + "\ndata:\n  colour: blue\n");
    return files;
  }

  private static String secret(String ns, String password, String token, boolean refused) {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: "
        + ns
        + (refused ? "\n  labels:\n    leak-policy: refuse" : "")
        + "\ntype: Opaque\ndata:\n  password: "
        + base64(password)
        + "\nstringData:\n  token: "
        + token
        + "\n";
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
