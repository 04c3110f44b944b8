package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.WaveHealth;
import dev.gitops4j.model.StepResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sync hooks and health-gated waves on the real kube-apiserver. The testbed runs no controllers: no
 * kubelet runs a Job's pod and no job controller writes its status. The test plays the job
 * controller instead: it marks a Job complete or failed by writing its status subresource, exactly
 * as the controller would, and gitops4j reads that status back from the API server.
 */
class HooksIT {

  static TestCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = TestCluster.get();
    client = cluster.client();
    for (String namespace :
        List.of("hooks-a", "hooks-b", "hooks-c", "hooks-d", "hooks-e", "hooks-f", "hooks-g")) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
    }
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  static KubernetesTarget k8s() {
    return KubernetesTarget.builder(client).inventoryNamespace("gitops4j-system").build();
  }

  @Test
  void aPreSyncJobGatesTheMainObjectsUntilItCompletes() throws Exception {
    try (Rig rig = new Rig("hooks-a", k8s().target("hooks-a"), SyncPolicy.automatic())) {
      String revision =
          rig.commit(
              files(
                  "migrate.yaml", job("hooks-a", "migrate", "gitops4j.dev/hook: PreSync"),
                  "app.yaml", configMap("hooks-a", "app", "1")));

      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(first.error()).contains("PreSync hook batch/Job hooks-a/migrate is running");
      assertThat(job("hooks-a", "migrate")).as("the hook ran").isNotNull();
      assertThat(annotations(job("hooks-a", "migrate")))
          .containsEntry("gitops4j.dev/hook-revision", revision);
      assertThat(cm("hooks-a", "app")).as("no main object before the hook completed").isNull();
      assertThat(outcomes(first))
          .containsEntry("create batch/Job hooks-a/migrate", StepResult.Outcome.APPLIED)
          .containsEntry("create ConfigMap hooks-a/app", StepResult.Outcome.SKIPPED);

      PassResult stillRunning = rig.pass();
      assertThat(stillRunning.status()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(cm("hooks-a", "app")).isNull();

      complete("hooks-a", "migrate");
      PassResult done = rig.pass();
      assertThat(done.status()).as(done.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("hooks-a", "app").getData()).containsEntry("value", "1");
      assertThat(job("hooks-a", "migrate")).as("BeforeHookCreation keeps the Job").isNotNull();

      PassResult again = rig.pass();
      assertThat(again.status()).as(again.error()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(again.writes()).isZero();

      // A hook that left Git is neither drift nor pruned.
      rig.commit(files("app.yaml", configMap("hooks-a", "app", "2")));
      PassResult without = rig.pass();
      assertThat(without.status()).as(without.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(without.drift().drifts()).noneMatch(d -> d.id().name().equals("migrate"));
      assertThat(job("hooks-a", "migrate")).as("hooks are not pruned").isNotNull();
    }
  }

  @Test
  void aFailingPreSyncHookStopsThePassBeforeAnyMainObjectAndRunsSyncFail() throws Exception {
    try (Rig rig = new Rig("hooks-b", k8s().target("hooks-b"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "migrate.yaml", job("hooks-b", "migrate", "argocd.argoproj.io/hook: PreSync"),
              "app.yaml", configMap("hooks-b", "app", "1"),
              "cleanup.yaml", job("hooks-b", "cleanup", "argocd.argoproj.io/hook: SyncFail")));

      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(job("hooks-b", "cleanup")).as("SyncFail runs only on failure").isNull();

      fail("hooks-b", "migrate");
      PassResult failed = rig.pass();
      assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
      assertThat(failed.error())
          .contains("PreSync hook batch/Job hooks-b/migrate failed")
          .contains("BackoffLimitExceeded");
      assertThat(cm("hooks-b", "app")).as("no main object written").isNull();
      GenericKubernetesResource cleanup = job("hooks-b", "cleanup");
      assertThat(cleanup).as("the SyncFail hook ran").isNotNull();

      // The failure is recorded for the revision: another pass fails the same way, writes no main
      // object and does not run the SyncFail hook twice.
      PassResult again = rig.pass();
      assertThat(again.status()).isEqualTo(PassStatus.FAILED);
      assertThat(again.error()).contains("PreSync hook batch/Job hooks-b/migrate failed");
      assertThat(cm("hooks-b", "app")).isNull();
      assertThat(job("hooks-b", "cleanup").getMetadata().getUid())
          .isEqualTo(cleanup.getMetadata().getUid());
    }
  }

  @Test
  void aJobInWaveZeroGatesWaveOneUntilHealthyAndTimesOut() throws Exception {
    try (Rig rig =
        new Rig(
            "hooks-c",
            k8s().target("hooks-c"),
            SyncPolicy.automatic(),
            WaveHealth.required(Duration.ofMinutes(5)))) {
      rig.commit(
          files(
              "build.yaml", job("hooks-c", "build", "gitops4j.dev/wave: \"0\""),
              "app.yaml", inWave(configMap("hooks-c", "app", "1"), 1)));

      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(first.error()).contains("wave 1 waits for batch/Job hooks-c/build is PROGRESSING");
      assertThat(outcomes(first))
          .containsEntry("create batch/Job hooks-c/build", StepResult.Outcome.APPLIED)
          .containsEntry("create ConfigMap hooks-c/app", StepResult.Outcome.SKIPPED);
      assertThat(cm("hooks-c", "app")).isNull();

      complete("hooks-c", "build");
      PassResult second = rig.pass();
      assertThat(second.status()).as(second.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("hooks-c", "app").getData()).containsEntry("value", "1");

      // A new revision whose Job never completes: wave 1 waits, then fails after the timeout.
      rig.commit(
          files(
              "build.yaml", job("hooks-c", "build-2", "gitops4j.dev/wave: \"0\""),
              "app.yaml", inWave(configMap("hooks-c", "app", "2"), 1)));
      PassResult waiting = rig.pass();
      assertThat(waiting.status()).as(waiting.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(waiting.error()).contains("batch/Job hooks-c/build-2");
      rig.clock.advance(Duration.ofMinutes(6));
      PassResult timedOut = rig.pass();
      assertThat(timedOut.status()).isEqualTo(PassStatus.FAILED);
      assertThat(timedOut.error()).contains("for longer than the wave health timeout PT5M");
      assertThat(cm("hooks-c", "app").getData()).containsEntry("value", "1");
    }
  }

  @Test
  void aPostSyncHookRunsOnlyAfterTheOtherObjectsAreHealthy() throws Exception {
    try (Rig rig = new Rig("hooks-d", k8s().target("hooks-d"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "work.yaml", job("hooks-d", "work", null),
              "app.yaml", configMap("hooks-d", "app", "1"),
              "notify.yaml", job("hooks-d", "notify", "gitops4j.dev/hook: PostSync")));

      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(first.error())
          .contains("PostSync hooks wait for batch/Job hooks-d/work is PROGRESSING");
      assertThat(cm("hooks-d", "app")).isNotNull();
      assertThat(job("hooks-d", "notify")).as("PostSync waits for health").isNull();

      complete("hooks-d", "work");
      PassResult second = rig.pass();
      assertThat(second.status()).as(second.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(second.error()).contains("PostSync hook batch/Job hooks-d/notify is running");
      assertThat(job("hooks-d", "notify")).isNotNull();

      complete("hooks-d", "notify");
      PassResult third = rig.pass();
      assertThat(third.status()).as(third.error()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(third.writes()).isZero();
    }
  }

  @Test
  void hookSucceededDeletesTheJobWhichIsNotCreatedAgainUntilTheRevisionChanges() throws Exception {
    try (Rig rig = new Rig("hooks-e", k8s().target("hooks-e"), SyncPolicy.automatic())) {
      String hook =
          "gitops4j.dev/hook: PreSync\n    gitops4j.dev/hook-delete-policy: HookSucceeded";
      rig.commit(
          files(
              "migrate.yaml", job("hooks-e", "migrate", hook),
              "app.yaml", configMap("hooks-e", "app", "1")));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.PROGRESSING);
      complete("hooks-e", "migrate");
      PassResult synced = rig.pass();
      assertThat(synced.status()).as(synced.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(job("hooks-e", "migrate")).as("deleted after it succeeded").isNull();
      assertThat(cm("hooks-e", "app").getData()).containsEntry("value", "1");
      assertThat(cm("gitops4j-system", "gitops4j-hooks-hooks-e").getData().get("runs"))
          .as("the run is recorded for the revision")
          .contains("\"batch/Job hooks-e/migrate\":{\"outcome\":\"SUCCEEDED\"");

      PassResult again = rig.pass();
      assertThat(again.status()).as(again.error()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(again.writes()).isZero();
      assertThat(job("hooks-e", "migrate")).as("not created again for the same revision").isNull();

      String next =
          rig.commit(
              files(
                  "migrate.yaml", job("hooks-e", "migrate", hook),
                  "app.yaml", configMap("hooks-e", "app", "2")));
      PassResult rerun = rig.pass();
      assertThat(rerun.status()).as(rerun.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(annotations(job("hooks-e", "migrate")))
          .containsEntry("gitops4j.dev/hook-revision", next);
      assertThat(cm("hooks-e", "app").getData()).containsEntry("value", "1");
      complete("hooks-e", "migrate");
      PassResult rolled = rig.pass();
      assertThat(rolled.status()).as(rolled.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(cm("hooks-e", "app").getData()).containsEntry("value", "2");
      assertThat(job("hooks-e", "migrate")).isNull();
    }
  }

  @Test
  void aHookPastItsOwnTimeoutFailsThePassAndHookFailedDeletesIt() throws Exception {
    try (Rig rig = new Rig("hooks-f", k8s().target("hooks-f"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "migrate.yaml",
              job(
                  "hooks-f",
                  "migrate",
                  "gitops4j.dev/hook: Sync\n    gitops4j.dev/hook-timeout: PT1S\n"
                      + "    argocd.argoproj.io/hook-delete-policy: HookFailed"),
              "app.yaml",
              inWave(configMap("hooks-f", "app", "1"), 1)));
      PassResult first = rig.pass();
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.PROGRESSING);
      assertThat(first.error()).contains("Sync hook batch/Job hooks-f/migrate is running");

      // The hook's own limit is counted on the API server's clock from the Job's creation: poll
      // passes until it has passed.
      PassResult[] last = {first};
      assertThat(
              TestCluster.await(
                  Duration.ofSeconds(30),
                  () -> {
                    try {
                      last[0] = rig.pass();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                    return last[0].status() != PassStatus.PROGRESSING;
                  }))
          .isTrue();
      assertThat(last[0].status()).isEqualTo(PassStatus.FAILED);
      assertThat(last[0].error())
          .contains("Sync hook batch/Job hooks-f/migrate did not complete within")
          .contains("PT1S");
      assertThat(job("hooks-f", "migrate")).as("HookFailed deleted it").isNull();
      assertThat(cm("hooks-f", "app")).as("the next wave is not written").isNull();
    }
  }

  @Test
  void aHookTheServerRejectsMakesTheRevisionInvalidAndWritesNothing() throws Exception {
    try (Rig rig = new Rig("hooks-g", k8s().target("hooks-g"), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "migrate.yaml",
              job("hooks-g", "migrate", "gitops4j.dev/hook: PreSync")
                  .replace("backoffLimit: 0", "backoffLimit: many"),
              "app.yaml",
              configMap("hooks-g", "app", "1"),
              "cleanup.yaml",
              job("hooks-g", "cleanup", "gitops4j.dev/hook: SyncFail")));
      PassResult invalid = rig.pass();
      assertThat(invalid.status()).isEqualTo(PassStatus.FAILED);
      assertThat(invalid.error()).contains("is invalid").contains("migrate.yaml");
      assertThat(job("hooks-g", "migrate")).isNull();
      assertThat(cm("hooks-g", "app")).isNull();
      assertThat(job("hooks-g", "cleanup")).as("no SyncFail for a revision never synced").isNull();
    }
  }

  /** A Job that would run one container; {@code annotations} are YAML lines under annotations. */
  static String job(String namespace, String name, String annotations) {
    return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + namespace
        + (annotations == null ? "" : "\n  annotations:\n    " + annotations)
        + "\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n"
        + "      containers:\n      - name: main\n        image: registry.example/"
        + name
        + ":1\n";
  }

  static String inWave(String manifest, int wave) {
    return manifest.replace(
        "metadata:\n", "metadata:\n  annotations:\n    gitops4j.dev/wave: \"" + wave + "\"\n");
  }

  /** Marks the Job complete through its status subresource, as the job controller does. */
  static void complete(String namespace, String name) {
    writeStatus(
        namespace,
        name,
        Map.of(
            "startTime", "2026-01-01T00:00:00Z",
            "completionTime", "2026-01-01T00:01:00Z",
            "succeeded", 1,
            "active", 0,
            "ready", 0,
            "terminating", 0,
            "conditions",
                List.of(
                    condition("SuccessCriteriaMet", "CompletionsReached"),
                    condition("Complete", "CompletionsReached"))));
  }

  /** Marks the Job failed through its status subresource, as the job controller does. */
  static void fail(String namespace, String name) {
    writeStatus(
        namespace,
        name,
        Map.of(
            "startTime", "2026-01-01T00:00:00Z",
            "failed", 1,
            "active", 0,
            "ready", 0,
            "terminating", 0,
            "conditions",
                List.of(
                    condition("FailureTarget", "BackoffLimitExceeded"),
                    condition("Failed", "BackoffLimitExceeded"))));
  }

  private static Map<String, Object> condition(String type, String reason) {
    return Map.of(
        "type",
        type,
        "status",
        "True",
        "reason",
        reason,
        "message",
        type + " (written by the test as the job controller)",
        "lastTransitionTime",
        "2026-01-01T00:01:00Z");
  }

  private static void writeStatus(String namespace, String name, Map<String, Object> status) {
    GenericKubernetesResource current = job(namespace, name);
    assertThat(current).as("Job " + namespace + "/" + name).isNotNull();
    current.setAdditionalProperty("status", status);
    client
        .genericKubernetesResources("batch/v1", "Job")
        .inNamespace(namespace)
        .resource(current)
        .updateStatus();
  }

  static GenericKubernetesResource job(String namespace, String name) {
    return client
        .genericKubernetesResources("batch/v1", "Job")
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  static Map<String, String> annotations(GenericKubernetesResource object) {
    return object.getMetadata().getAnnotations();
  }

  static ConfigMap cm(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  static Map<String, StepResult.Outcome> outcomes(PassResult result) {
    Map<String, StepResult.Outcome> outcomes = new java.util.LinkedHashMap<>();
    result.results().forEach(r -> outcomes.put(r.step().toString(), r.outcome()));
    return outcomes;
  }
}
