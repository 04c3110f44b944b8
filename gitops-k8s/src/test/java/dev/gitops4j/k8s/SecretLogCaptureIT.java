package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never leak, over a whole run against a real kube-apiserver with every log line captured
 * at TRACE: a Secret with a value under {@code data} and one under {@code stringData} is synced, a
 * hand edit that puts a third value in is healed, and a fourth value is refused by an admission
 * policy whose error message quotes it (as base64, as CEL renders a Secret's bytes). The run
 * ({@link SecretLogRun}) is a JVM of its own started with the root log level at TRACE, so no logger
 * anywhere (the library's, fabric8's, JGit's) was created at a higher level by an earlier test; its
 * whole output is the captured log. No value, nor its base64 form, may appear in any log line, the
 * history, the pass results, step messages, drift reports or rendered diffs. The one exception is
 * fabric8's own HTTP wire logger ({@value #WIRE_LOGGER}), which at TRACE writes every request and
 * response body verbatim: never enable it where Secrets are synced.
 */
class SecretLogCaptureIT {

  static final String NS = "leak-canary";
  static final String DATA = "canary-data-password-5f3a91";
  static final String STRING_DATA = "canary-stringdata-token-77c2e0";
  static final String DRIFT = "canary-hand-edited-19d4b2";
  static final String REFUSED = "canary-refused-value-a81c6e";
  static final String WIRE_LOGGER = "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor";

  @TempDir Path dir;

  @Test
  void noSecretValueInAnyLogLineHistoryResultOrDiff() throws Exception {
    TestCluster cluster = TestCluster.get();
    cluster.kubectl(
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: leak-refuse
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: ["v1"]
              operations: ["CREATE", "UPDATE"]
              resources: ["secrets"]
            objectSelector:
              matchLabels:
                leak-policy: refuse
          validations:
          - expression: "request.dryRun == true"
            messageExpression: >-
              'refused by the leak policy: password ' + string(object.data['password'])
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: leak-refuse
        spec:
          policyName: leak-refuse
          validationActions: [Deny]
        """,
        "apply",
        "-f",
        "-");
    try (KubernetesClient client = cluster.client()) {
      // The policy's message really carries the value it refuses, as the API server sends it.
      awaitPolicyQuotes(client);
      Path log = dir.resolve("run.log");
      Process run =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                  "-Dorg.slf4j.simpleLogger.logFile=System.err",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SecretLogRun.class.getName(),
                  cluster.kubeconfig.toString(),
                  dir.toString(),
                  NS,
                  DATA,
                  STRING_DATA,
                  DRIFT,
                  REFUSED)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("the run ends").isTrue();
      String logged = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(run.exitValue()).as("every stage as expected:\n%s", steps(logged)).isZero();

      assertThat(logged).as("TRACE lines were written").contains(" TRACE ");
      assertThat(logged).contains("dev.gitops4j");
      // fabric8's HTTP wire logger writes whole request and response bodies at TRACE, Secrets
      // included: that is the client's own switch, outside the library; every other line counts.
      List<String> wire = logged.lines().filter(l -> l.contains(" " + WIRE_LOGGER + " ")).toList();
      String ours = String.join("\n", logged.lines().filter(l -> !wire.contains(l)).toList());
      String history = Files.readString(dir.resolve("history.jsonl"), StandardCharsets.UTF_8);
      String dump = Files.readString(dir.resolve("dump.txt"), StandardCharsets.UTF_8);
      assertThat(history).contains("SYNCED").contains("FAILED");
      assertThat(dump).contains("apply failed").contains("diff: ");
      for (String value : List.of(DATA, STRING_DATA, DRIFT, REFUSED)) {
        String b64 = SecretLogRun.base64(value);
        for (String[] place :
            new String[][] {{"log", ours}, {"history", history}, {"results", dump}}) {
          assertThat(lines(place[1], value, b64))
              .as("%s lines with %s or its base64", place[0], value)
              .isEmpty();
        }
      }
      System.out.printf(
          "secret log capture: %d log lines (%d more from %s, not scanned), %d history records,"
              + " %d result lines; no value leaked%n",
          ours.lines().count(),
          wire.size(),
          WIRE_LOGGER,
          history.lines().count(),
          dump.lines().count());
    } finally {
      cluster.kubectl(null, "delete", "validatingadmissionpolicybinding", "leak-refuse");
      cluster.kubectl(null, "delete", "validatingadmissionpolicy", "leak-refuse");
    }
  }

  /**
   * Waits until the API server enforces the policy (it loads policies asynchronously): a direct
   * create of a labelled Secret fails, with the refused value in the error message.
   */
  private static void awaitPolicyQuotes(KubernetesClient client) throws InterruptedException {
    String probe = "probe-value-not-a-canary";
    String[] last = {"nothing yet"};
    assertThat(
            TestCluster.await(
                Duration.ofSeconds(30),
                () -> {
                  try {
                    client
                        .secrets()
                        .inNamespace("default")
                        .resource(
                            new SecretBuilder()
                                .withNewMetadata()
                                .withName("leak-probe")
                                .addToLabels("leak-policy", "refuse")
                                .endMetadata()
                                .addToData("password", SecretLogRun.base64(probe))
                                .build())
                        .create();
                    client.secrets().inNamespace("default").withName("leak-probe").delete();
                    last[0] = "created";
                    return false;
                  } catch (RuntimeException e) {
                    last[0] = String.valueOf(e.getMessage());
                    // CEL renders the bytes of data values as base64: either form is the value.
                    return last[0].contains(probe) || last[0].contains(SecretLogRun.base64(probe));
                  }
                }))
        .as(
            "a direct write of a refused value fails with the value in its message; last: %s",
            last[0])
        .isTrue();
  }

  private static String steps(String logged) {
    return String.join("\n", logged.lines().filter(l -> l.startsWith("STEP")).toList())
        + "\n"
        + logged.lines().skip(Math.max(0, logged.lines().count() - 60)).toList();
  }

  private static List<String> lines(String text, String value, String b64) {
    List<String> found = new ArrayList<>();
    text.lines().filter(l -> l.contains(value) || l.contains(b64)).forEach(found::add);
    return found;
  }
}
