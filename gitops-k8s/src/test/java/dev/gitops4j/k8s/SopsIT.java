package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.sops.SopsKeys;
import dev.gitops4j.test.SopsFixtures;
import dev.gitops4j.test.Testbed;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets encrypted by the real sops (age and gpg keys made here), decrypted in-process and applied
 * to the real API server through kustomize and as plain files; variables substituted after the
 * build.
 */
class SopsIT extends CountedCluster {

  @TempDir static Path dir;
  static SopsFixtures sops;
  static Path ageKey;
  static String recipient;
  static String gpgFingerprint;
  static Path gpgRing;

  @BeforeAll
  static void keys() {
    sops = new SopsFixtures(Testbed.get(), dir);
    ageKey = sops.newAgeKey("cluster");
    recipient = SopsFixtures.ageRecipient(ageKey);
    gpgFingerprint = sops.newGpgKey("cluster@example.org");
    gpgRing = sops.exportGpgSecretKeys("cluster");
  }

  @AfterAll
  static void stopAgent() {
    sops.close();
  }

  static String secret(String name, String password) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
          labels:
            tier: db
        type: Opaque
        stringData:
          password: %s
          url: postgres://app:%s@db:5432/app
        """
        .formatted(name, password, password);
  }

  String livePassword(String namespace, String name) {
    Secret live = client.secrets().inNamespace(namespace).withName(name).get();
    return new String(
        Base64.getDecoder().decode(live.getData().get("password")), StandardCharsets.UTF_8);
  }

  String configValue(String namespace, String name, String key) {
    return client.configMaps().inNamespace(namespace).withName(name).get().getData().get(key);
  }

  /** Everything a person or a log collector could read of these passes. */
  static String everythingRecorded(Rig rig, String app, PassResult... passes) {
    StringBuilder all = new StringBuilder();
    for (PassResult pass : passes) {
      all.append(pass).append(pass.drift()).append(pass.results()).append(pass.error());
    }
    for (HistoryRecord record : rig.history.list(app, 100)) {
      all.append(record).append(record.diff()).append(record.error());
    }
    all.append(String.join("\n", rig.history.lines()));
    return all.toString();
  }

  @Test
  void kustomizationWithAnAgeEncryptedSecretIsDecryptedBeforeTheBuildAndRedactedEverywhere()
      throws Exception {
    String first = "first-pa55word-4711";
    String second = "rotated-pa55word-0815";
    KubernetesTarget k8s =
        KubernetesTarget.builder(client)
            .createNamespaces(true)
            .kubectl(cluster.kubectl)
            .decryption(SopsKeys.custom().ageKeyFile(ageKey).build())
            .substitute(Substitution.of(Map.of("env", "prod")))
            .build();
    String token = "env-t0ken-9001";
    String kustomization =
        "namespace: sops-kust\nnamePrefix: shop-\nresources:\n- secret.enc.yaml\n- app.yaml\n"
            + "secretGenerator:\n- name: env\n  envs:\n  - app.enc.env\n"
            + "generatorOptions:\n  disableNameSuffixHash: true\n";
    String env =
        sops.encrypt("app.env", "API_TOKEN=" + token + "\nREGION=eu\n", "--age", recipient);
    String app =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n"
            + "  env: ${env}\n  tier: ${tier:=gold}\n  literal: $${env}\n";
    PrintStream originalErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new TeeStream(originalErr, logs), true, StandardCharsets.UTF_8));
    try (Rig rig = new Rig("sops-kust", k8s.target("sops-kust"), SyncPolicy.automatic())) {
      String encrypted =
          sops.encrypt(
              "s1.yaml",
              secret("db", first),
              "--age",
              recipient,
              "--encrypted-regex",
              "^(data|stringData)$");
      rig.commit(
          files(
              "kustomization.yaml",
              kustomization,
              "secret.enc.yaml",
              encrypted,
              "app.yaml",
              app,
              "app.enc.env",
              env));
      PassResult created = rig.pass();
      assertThat(created.status()).as(created.error()).isEqualTo(PassStatus.SYNCED);
      // kustomize saw plaintext: its prefix and namespace apply to the decrypted Secret.
      assertThat(livePassword("sops-kust", "shop-db")).isEqualTo(first);
      assertThat(configValue("sops-kust", "shop-app", "env")).isEqualTo("prod");
      // The encrypted dotenv file fed kustomize's secretGenerator as plaintext.
      Secret generated = client.secrets().inNamespace("sops-kust").withName("shop-env").get();
      assertThat(
              new String(
                  Base64.getDecoder().decode(generated.getData().get("API_TOKEN")),
                  StandardCharsets.UTF_8))
          .isEqualTo(token);
      assertThat(configValue("sops-kust", "shop-app", "tier")).isEqualTo("gold");
      assertThat(configValue("sops-kust", "shop-app", "literal")).isEqualTo("${env}");

      // Drift is computed on plaintext: an unchanged revision makes no write and no dry run.
      counter.reset();
      PassResult noop = rig.pass();
      assertThat(noop.status()).as(noop.error()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get()).as("writes").isZero();
      assertThat(counter.dryRuns.get()).as("dry runs").isZero();

      // Rotation: sops encrypts the new value afresh; exactly the Secret is written.
      String rotated =
          sops.encrypt(
              "s2.yaml",
              secret("db", second),
              "--age",
              recipient,
              "--encrypted-regex",
              "^(data|stringData)$");
      rig.commit(
          files(
              "kustomization.yaml",
              kustomization,
              "secret.enc.yaml",
              rotated,
              "app.yaml",
              app,
              "app.enc.env",
              env));
      counter.reset();
      PassResult changed = rig.pass();
      assertThat(changed.status()).as(changed.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(changed.writes()).isEqualTo(1);
      assertThat(livePassword("sops-kust", "shop-db")).isEqualTo(second);

      // A tampered value: the revision is invalid, nothing is written, the live Secret stays.
      String line = rotated.lines().filter(l -> l.contains("password:")).findFirst().orElseThrow();
      String data = line.substring(line.indexOf("data:") + 5, line.indexOf(",iv:"));
      String tampered =
          rotated.replace(
              line, line.replace(data, (data.charAt(0) == 'A' ? "B" : "A") + data.substring(1)));
      rig.commit(
          files(
              "kustomization.yaml",
              kustomization,
              "secret.enc.yaml",
              tampered,
              "app.yaml",
              app,
              "app.enc.env",
              env));
      counter.reset();
      PassResult refused = rig.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.retryable()).isFalse();
      assertThat(refused.error())
          .contains("secret.enc.yaml:")
          .contains("stringData.password")
          .contains("fails authentication");
      assertThat(counter.writes.get()).isZero();
      assertThat(livePassword("sops-kust", "shop-db")).isEqualTo(second);

      String recorded = everythingRecorded(rig, "sops-kust", created, noop, changed, refused);
      System.err.flush();
      String logged = logs.toString(StandardCharsets.UTF_8);
      for (String value : new String[] {first, second, token}) {
        String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        assertThat(recorded).doesNotContain(value).doesNotContain(b64);
        assertThat(logged).doesNotContain(value).doesNotContain(b64);
      }
      // The rotation is in the history as a diff of the Secret, with markers for its values.
      assertThat(rig.history.list("sops-kust", 100))
          .anySatisfy(r -> assertThat(r.diff()).contains("shop-db").contains("<redacted:"));
      assertThat(recorded).contains("stringData.password");
    } finally {
      System.setErr(originalErr);
    }
  }

  @Test
  void plainPgpEncryptedSecretIsAppliedAndEncryptedConfigMapsAreRefused() throws Exception {
    String password = "pgp-pa55word-1234";
    KubernetesTarget k8s =
        KubernetesTarget.builder(client)
            .createNamespaces(true)
            .decryption(SopsKeys.custom().pgpSecretKeyRing(gpgRing).build())
            .build();
    try (Rig rig = new Rig("sops-plain", k8s.target("sops-plain"), SyncPolicy.automatic())) {
      String encrypted =
          sops.encrypt(
              "p.yaml",
              secret("pgp-db", password)
                  .replace("metadata:\n", "metadata:\n  namespace: sops-plain\n"),
              "--pgp",
              gpgFingerprint);
      String namespace = Rig.namespace("sops-plain");
      rig.commit(files("ns.yaml", namespace, "apps/secret.yaml", encrypted));
      PassResult created = rig.pass();
      assertThat(created.status()).as(created.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(livePassword("sops-plain", "pgp-db")).isEqualTo(password);
      counter.reset();
      assertThat(rig.pass().status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(counter.writes.get()).isZero();

      // Only Secrets may carry encrypted values: a ConfigMap's would show in diffs and history.
      String configMap =
          sops.encrypt(
              "cm.yaml",
              Rig.configMap("sops-plain", "settings", "cm-s3cr3t-99"),
              "--pgp",
              gpgFingerprint,
              "--encrypted-regex",
              "^data$");
      rig.commit(
          files("ns.yaml", namespace, "apps/secret.yaml", encrypted, "apps/cm.yaml", configMap));
      counter.reset();
      PassResult refused = rig.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.error())
          .contains("apps/cm.yaml")
          .contains("ConfigMap")
          .doesNotContain("cm-s3cr3t-99");
      assertThat(counter.writes.get()).isZero();
      assertThat(client.configMaps().inNamespace("sops-plain").withName("settings").get()).isNull();
    }
  }

  @Test
  void wrongKeyOrUndefinedVariableIsAnInvalidRevisionAndAppliesNothing() throws Exception {
    Path otherKey = sops.newAgeKey("other");
    KubernetesTarget k8s =
        KubernetesTarget.builder(client)
            .createNamespaces(true)
            .decryption(SopsKeys.custom().ageKeyFile(otherKey).build())
            .substitute(Substitution.of(Map.of("env", "prod")))
            .build();
    try (Rig rig = new Rig("sops-wrong", k8s.target("sops-wrong"), SyncPolicy.automatic())) {
      String encrypted =
          sops.encrypt(
              "w.yaml",
              secret("w", "never-applied-1")
                  .replace("metadata:\n", "metadata:\n  namespace: sops-wrong\n"),
              "--age",
              recipient);
      rig.commit(
          files(
              "ns.yaml", Rig.namespace("sops-wrong"),
              "secret.yaml", encrypted,
              "cm.yaml", Rig.configMap("sops-wrong", "c", "${env}")));
      counter.reset();
      PassResult wrong = rig.pass();
      assertThat(wrong.status()).isEqualTo(PassStatus.FAILED);
      assertThat(wrong.error())
          .contains("secret.yaml")
          .contains("cannot decrypt the data key")
          .contains(recipient);
      assertThat(counter.writes.get()).isZero();
      assertThat(client.namespaces().withName("sops-wrong").get()).isNull();

      // Strict substitution: an undefined variable names file, line and variable.
      rig.commit(
          files(
              "ns.yaml", Rig.namespace("sops-wrong"),
              "cm.yaml", Rig.configMap("sops-wrong", "c", "${undefined_var}")));
      PassResult undefined = rig.pass();
      assertThat(undefined.status()).isEqualTo(PassStatus.FAILED);
      assertThat(undefined.error())
          .contains("cm.yaml:7:")
          .contains("variable undefined_var is not defined");
      assertThat(counter.writes.get()).isZero();
      assertThat(client.namespaces().withName("sops-wrong").get()).isNull();
    }
  }

  @Test
  void checksAfterDecryptionDoNotQuoteDecryptedValues() throws Exception {
    KubernetesTarget k8s =
        KubernetesTarget.builder(client)
            .decryption(SopsKeys.custom().ageKeyFile(ageKey).build())
            .build();
    try (Rig rig = new Rig("sops-quote", k8s.target("sops-quote"), SyncPolicy.automatic())) {
      // Without encrypted_regex sops encrypts every value, labels included; this one is invalid.
      String secret =
          secret("quoted", "quoted-pa55word").replace("tier: db", "tier: \"s3cret label!!\"");
      rig.commit(files("s.yaml", sops.encrypt("q.yaml", secret, "--age", recipient)));
      PassResult refused = rig.pass();
      assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
      assertThat(refused.error())
          .contains("s.yaml")
          .contains("metadata.labels.tier value \"<redacted>\" is not a valid label value")
          .doesNotContain("s3cret label!!");
    }
  }

  @Test
  void encryptedHelmValuesFileIsDecryptedBeforeHelmRuns() throws Exception {
    String password = "helm-pa55word-2718";
    KubernetesTarget k8s =
        KubernetesTarget.builder(client)
            .createNamespaces(true)
            .helm(Testbed.get().helm())
            .decryption(SopsKeys.custom().ageKeyFile(ageKey).build())
            .build();
    HelmRelease release =
        HelmRelease.chartInRevision("chart", "vault")
            .namespace("sops-helm")
            .valuesFile("secrets.enc.yaml")
            .build();
    try (Rig rig = new Rig("sops-helm", k8s.target("sops-helm", release), SyncPolicy.automatic())) {
      rig.commit(
          files(
              "chart/Chart.yaml",
              "apiVersion: v2\nname: vault\nversion: 0.1.0\n",
              "chart/templates/secret.yaml",
              "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\n"
                  + "stringData:\n  password: {{ .Values.password | quote }}\n",
              "secrets.enc.yaml",
              sops.encrypt("values.yaml", "password: " + password + "\n", "--age", recipient)));
      PassResult created = rig.pass();
      assertThat(created.status()).as(created.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(livePassword("sops-helm", "vault-db")).isEqualTo(password);
      assertThat(everythingRecorded(rig, "sops-helm", created)).doesNotContain(password);
    }
  }

  /** Copies what is written to two streams. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream one;
    private final java.io.OutputStream two;

    TeeStream(java.io.OutputStream one, java.io.OutputStream two) {
      this.one = one;
      this.two = two;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      one.write(b);
      two.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
      one.write(b, off, len);
      two.write(b, off, len);
    }
  }
}
