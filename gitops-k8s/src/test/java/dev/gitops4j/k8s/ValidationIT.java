package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static dev.gitops4j.k8s.Rig.files;
import static dev.gitops4j.k8s.Rig.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 2 on the API server: a revision with one object the server rejects writes nothing, the
 * error names the file and line, the revision is not retried, and the next good revision applies.
 */
class ValidationIT extends CountedCluster {

  /** A revision of a new namespace, a good ConfigMap and {@code bad} in {@code bad.yaml}. */
  private static Map<String, String> revisionWith(String ns, String bad) {
    return files(
        "ns.yaml", namespace(ns), "good.yaml", configMap(ns, "good", "1"), "bad.yaml", bad);
  }

  /**
   * Commits {@code revision}, expects a failed pass with no write at the HTTP layer whose error
   * names {@code location} and {@code reason}, then a good revision that applies.
   */
  private static void rejectedThenRecovered(
      String app, Map<String, String> revision, String location, String reason) throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    try (Rig rig = new Rig(app, k8s.target(app), SyncPolicy.automatic())) {
      rig.commit(revision);
      counter.reset();
      PassResult rejected = rig.pass();
      assertThat(rejected.status()).isEqualTo(PassStatus.FAILED);
      assertThat(rejected.error()).contains(location).contains(reason);
      assertThat(rejected.retryable()).as("an invalid revision is not retried").isFalse();
      assertThat(counter.writes.get()).as("write requests").isZero();
      assertThat(rejected.results()).as("no step ran").isEmpty();

      counter.reset();
      rig.timers.advance(Duration.ofHours(1)); // the next interval pass
      assertThat(rig.history.list(app, 1).get(0).error())
          .contains("not retried until the revision changes");
      assertThat(counter.writes.get() + counter.dryRuns.get()).isZero();

      Map<String, String> fixed = new java.util.LinkedHashMap<>(revision);
      fixed.remove("bad.yaml");
      rig.commit(fixed);
      PassResult good = rig.pass();
      assertThat(good.status()).as(good.error()).isEqualTo(PassStatus.SYNCED);
    }
  }

  @Test
  void invalidNameIsCaughtBeforeAnyRequestWithFileAndLine() throws Exception {
    String bad = "# a comment\n" + configMap("v-name", "Bad_Name!", "x");
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    try (Rig rig = new Rig("v-name", k8s.target("v-name"), SyncPolicy.automatic())) {
      rig.commit(revisionWith("v-name", bad));
      counter.reset();
      PassResult rejected = rig.pass();
      assertThat(rejected.status()).isEqualTo(PassStatus.FAILED);
      assertThat(rejected.error()).contains("bad.yaml:2").contains("metadata.name \"Bad_Name!\"");
      assertThat(counter.writes.get() + counter.dryRuns.get())
          .as("caught on the client: no write, no dry run")
          .isZero();
    }
    assertThat(client.namespaces().withName("v-name").get()).isNull();
  }

  @Test
  void invalidLabelValueIsCaughtOnTheClient() throws Exception {
    String bad =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: labelled\n  namespace: v-label\n"
            + "  labels:\n    tier: \"not valid!\"\n";
    rejectedThenRecovered(
        "v-label", revisionWith("v-label", bad), "bad.yaml:1", "not a valid label value");
  }

  @Test
  void wrongFieldTypeIsRejectedByTheServerBeforeAnyWrite() throws Exception {
    String bad =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: v-type\nspec:\n"
            + "  ports:\n  - port: \"eighty\"\n";
    rejectedThenRecovered(
        "v-type", revisionWith("v-type", bad), "bad.yaml:1", "rejected by the API server");
    assertThat(client.services().inNamespace("v-type").withName("web").get()).isNull();
  }

  @Test
  void unknownFieldIsRejectedUnderStrictValidation() throws Exception {
    String bad =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: v-strict\n"
            + "datta:\n  key: value\n";
    rejectedThenRecovered("v-strict", revisionWith("v-strict", bad), "bad.yaml:1", "datta");
  }

  @Test
  void customResourceFailingItsSchemaIsRejectedBeforeAnyWrite() throws Exception {
    cluster.kubectl(crd("widgets.v.gitops4j.dev", "Widget", "widgets"), "apply", "-f", "-");
    awaitServed("v.gitops4j.dev/v1", "Widget");
    String bad =
        "apiVersion: v.gitops4j.dev/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: v-crd\n"
            + "spec:\n  size: \"large\"\n";
    rejectedThenRecovered("v-crd", revisionWith("v-crd", bad), "bad.yaml:1", "spec.size");
  }

  @Test
  void denyingValidatingAdmissionPolicyRejectsTheRevisionBeforeAnyWrite() throws Exception {
    cluster.kubectl(
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: v-no-forbidden
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: ["v1"]
              operations: ["CREATE", "UPDATE"]
              resources: ["configmaps"]
          validations:
          - expression: "!has(object.data) || !('forbidden' in object.data)"
            message: "key forbidden is not allowed"
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: v-no-forbidden
        spec:
          policyName: v-no-forbidden
          validationActions: [Deny]
        """,
        "apply",
        "-f",
        "-");
    awaitPolicyEnforced();
    String bad =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: denied\n  namespace: v-vap\n"
            + "data:\n  forbidden: \"yes\"\n";
    rejectedThenRecovered(
        "v-vap", revisionWith("v-vap", bad), "bad.yaml:1", "key forbidden is not allowed");
  }

  @Test
  void denyingAdmissionWebhookRejectsTheRevisionBeforeAnyWrite(@TempDir Path dir) throws Exception {
    try (DenyingWebhook webhook = DenyingWebhook.start(dir)) {
      cluster.kubectl(
          """
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata:
            name: v-deny-webhook
          webhooks:
          - name: deny.v.gitops4j.dev
            clientConfig:
              url: https://127.0.0.1:%d/validate
              caBundle: %s
            rules:
            - apiGroups: [""]
              apiVersions: ["v1"]
              operations: ["CREATE", "UPDATE"]
              resources: ["configmaps"]
            objectSelector:
              matchLabels:
                deny-me: "yes"
            sideEffects: None
            admissionReviewVersions: ["v1"]
            failurePolicy: Fail
            timeoutSeconds: 5
          """
              .formatted(webhook.port(), webhook.caBundle()),
          "apply",
          "-f",
          "-");
      try {
        String bad =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hooked\n  namespace: v-hook\n"
                + "  labels:\n    deny-me: \"yes\"\n";
        rejectedThenRecovered(
            "v-hook", revisionWith("v-hook", bad), "bad.yaml:1", "denied by the test webhook");
        assertThat(webhook.reviews()).as("the webhook was asked").isPositive();
      } finally {
        cluster.kubectl(null, "delete", "validatingwebhookconfiguration", "v-deny-webhook");
      }
    }
  }

  @Test
  void rejectedUpdateWritesNothingEvenWhereOtherObjectsChange() throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    try (Rig rig = new Rig("v-update", k8s.target("v-update"), SyncPolicy.automatic())) {
      String svc =
          "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: v-update\nspec:\n"
              + "  ports:\n  - port: 80\n";
      rig.commit(
          files(
              "ns.yaml",
              namespace("v-update"),
              "cm.yaml",
              configMap("v-update", "cm", "1"),
              "svc.yaml",
              svc));
      assertThat(rig.pass().status()).isEqualTo(PassStatus.SYNCED);

      rig.commit(
          files(
              "ns.yaml",
              namespace("v-update"),
              "cm.yaml",
              configMap("v-update", "cm", "2"),
              "svc.yaml",
              "\n\n" + svc.replace("port: 80", "port: 99999")));
      counter.reset();
      PassResult rejected = rig.pass();
      assertThat(rejected.status()).isEqualTo(PassStatus.FAILED);
      assertThat(rejected.error()).contains("svc.yaml:3").contains("rejected by the API server");
      assertThat(counter.writes.get()).as("write requests").isZero();
      assertThat(client.configMaps().inNamespace("v-update").withName("cm").get().getData())
          .containsEntry("value", "1");
    }
  }

  @Test
  void customResourceOfACrdInTheSameRevisionIsCheckedBeforeItsWaveIsWritten() throws Exception {
    KubernetesTarget k8s = KubernetesTarget.builder(client).build();
    try (Rig rig = new Rig("v-wave", k8s.target("v-wave"), SyncPolicy.automatic())) {
      String good =
          "apiVersion: w.gitops4j.dev/v1\nkind: Gadget\nmetadata:\n  name: good\n"
              + "  namespace: v-wave\nspec:\n  size: 3\n";
      String bad = good.replace("name: good", "name: bad").replace("size: 3", "size: \"large\"");
      rig.commit(
          files(
              "ns.yaml",
              namespace("v-wave"),
              "crd.yaml",
              crd("gadgets.w.gitops4j.dev", "Gadget", "gadgets"),
              "good.yaml",
              good,
              "bad.yaml",
              bad));
      PassResult rejected = rig.pass();
      assertThat(rejected.status()).isEqualTo(PassStatus.FAILED);
      assertThat(rejected.error()).contains("bad.yaml:1").contains("spec.size");
      // The CRD had to exist for its resources to be checked; none of them was written.
      assertThat(
              client
                  .genericKubernetesResources("w.gitops4j.dev/v1", "Gadget")
                  .inNamespace("v-wave")
                  .list()
                  .getItems())
          .isEmpty();
    }
  }

  private static String crd(String name, String kind, String plural) {
    String group = name.substring(plural.length() + 1);
    return "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        + "  name: "
        + name
        + "\nspec:\n  group: "
        + group
        + "\n  scope: Namespaced\n  names:\n    kind: "
        + kind
        + "\n    plural: "
        + plural
        + "\n    singular: "
        + kind.toLowerCase(java.util.Locale.ROOT)
        + "\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n"
        + "      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n"
        + "            type: object\n            properties:\n              size:\n"
        + "                type: integer\n";
  }

  private static void awaitServed(String apiVersion, String kind) throws InterruptedException {
    assertThat(
            TestCluster.await(
                Duration.ofSeconds(30),
                () -> {
                  try {
                    client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().list();
                    return true;
                  } catch (KubernetesClientException e) {
                    return false;
                  }
                }))
        .as(kind + " served")
        .isTrue();
  }

  /** The API server loads policies asynchronously; waits until a dry run is denied. */
  private static void awaitPolicyEnforced() throws InterruptedException {
    assertThat(
            TestCluster.await(
                Duration.ofSeconds(30),
                () -> {
                  try {
                    client
                        .configMaps()
                        .inNamespace("default")
                        .resource(
                            new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("v-probe")
                                .endMetadata()
                                .addToData("forbidden", "1")
                                .build())
                        .dryRun()
                        .create();
                    return false;
                  } catch (KubernetesClientException e) {
                    return e.getCode() == 422 || e.getCode() == 403;
                  }
                }))
        .as("policy enforced")
        .isTrue();
  }
}
