package dev.gitops4j.sops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.test.SopsFixtures;
import dev.gitops4j.test.Testbed;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files encrypted by the real sops with real age and gpg keys, decrypted in-process. */
class SopsDecryptionIT {

  static final String SECRET =
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db
        labels:
          app: shop
      type: Opaque
      stringData:
        password: hunter2-plaintext # the admin password
        port: 5432
        ratio: 1.5
        enabled: true
        empty: ""
        nothing: null
        multi: |
          line one
          line "two"
        hosts:
          - alpha
          - name: beta
            token: tok-beta-plaintext
      ---
      apiVersion: v1
      kind: Secret
      metadata:
        name: second
      data:
        key: c2VjcmV0
      """;

  @TempDir static Path dir;
  static SopsFixtures sops;
  static Path ageKey;
  static String recipient;
  static String gpgFingerprint;
  static Path gpgRing;

  @BeforeAll
  static void keys() {
    sops = new SopsFixtures(Testbed.get(), dir);
    ageKey = sops.newAgeKey("main");
    recipient = SopsFixtures.ageRecipient(ageKey);
    gpgFingerprint = sops.newGpgKey("ops@example.org");
    gpgRing = sops.exportGpgSecretKeys("ring");
  }

  @AfterAll
  static void stopAgent() {
    sops.close();
  }

  static SopsDecryptor ageDecryptor() {
    return SopsDecryptor.of(SopsKeys.custom().ageKeyFile(ageKey).build());
  }

  static List<JsonNode> documents(String path, String text) throws InvalidDesiredStateException {
    return ManifestDecoder.ofDefaults().decode(SourceFile.of(path, text)).stream()
        .map(Manifest::body)
        .toList();
  }

  static String decryptToText(SopsDecryptor decryptor, String path, String encrypted)
      throws InvalidDesiredStateException {
    SourceFile plain = decryptor.decrypt(SourceFile.of(path, encrypted));
    return new String(plain.content(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void ageYamlDecryptsToWhatSopsGives() throws Exception {
    String encrypted = sops.encrypt("secret.yaml", SECRET, "--age", recipient);
    assertThat(encrypted).doesNotContain("hunter2").contains("ENC[AES256_GCM,");

    String ours = decryptToText(ageDecryptor(), "secret.yaml", encrypted);
    String theirs = sops.decrypt("secret.yaml", encrypted, ageKey);

    assertThat(documents("a.yaml", ours)).isEqualTo(documents("b.yaml", theirs));
    assertThat(documents("a.yaml", ours).get(0).at("/stringData/password").asText())
        .isEqualTo("hunter2-plaintext");
    assertThat(documents("a.yaml", ours).get(0).at("/stringData/port").asInt()).isEqualTo(5432);
    // Values stay on their lines of the encrypted file.
    int encryptedLine = lineOf(encrypted, "password:");
    assertThat(lineOf(ours, "password:")).isEqualTo(encryptedLine);
    // Only the encrypted comment (a YAML comment, ignored) is left of the ciphertext.
    assertThat(ours).doesNotContain("sops:").doesNotContainPattern(":\\s*ENC\\[");
  }

  @Test
  void jsonDecryptsToWhatSopsGives() throws Exception {
    String json =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"j\"},"
            + "\"stringData\":{\"a\":\"s3cr3t-json\",\"n\":7,\"list\":[\"x\",{\"y\":false}]}}";
    String encrypted = sops.encrypt("secret.json", json, "--age", recipient);
    String ours = decryptToText(ageDecryptor(), "secret.json", encrypted);
    String theirs = sops.decrypt("secret.json", encrypted, ageKey);
    assertThat(documents("a.json", ours)).isEqualTo(documents("b.json", theirs));
    assertThat(ours).contains("s3cr3t-json");
  }

  @Test
  void dotenvDecryptsToWhatSopsGives() throws Exception {
    String env =
        "DB_PASSWORD=env-s3cr3t\n# a comment\nEMPTY=\nMULTI=one\\ntwo\nURL=postgres://u:p@h/d?x=1\n";
    String encrypted = sops.encrypt("app.env", env, "--age", recipient);
    assertThat(encrypted).contains("sops_mac=").doesNotContain("env-s3cr3t");
    String ours = decryptToText(ageDecryptor(), "app.env", encrypted);
    String theirs = sops.decrypt("app.env", encrypted, ageKey);
    assertThat(envEntries(ours))
        .isEqualTo(envEntries(theirs))
        .containsEntry("DB_PASSWORD", "env-s3cr3t");
    assertThat(envEntries(ours)).containsEntry("MULTI", "one\\ntwo");

    String tampered = encrypted.replace("EMPTY=", "EMPTY=x");
    assertThatThrownBy(() -> ageDecryptor().decrypt(SourceFile.of("app.env", tampered)))
        .hasMessageContaining("app.env")
        .hasMessageContaining("EMPTY");
  }

  @Test
  void binaryFileDecryptsToWhatSopsGives() throws Exception {
    String pem = "-----BEGIN PRIVATE KEY-----\nbinary-s3cr3t-body\n-----END PRIVATE KEY-----\n";
    String encrypted = sops.encrypt("tls.key", pem, "--age", recipient);
    assertThat(encrypted).startsWith("{").doesNotContain("binary-s3cr3t-body");
    String ours = decryptToText(ageDecryptor(), "tls.key", encrypted);
    assertThat(ours).isEqualTo(sops.decrypt("tls.key", encrypted, ageKey)).isEqualTo(pem);
  }

  static java.util.Map<String, String> envEntries(String text) {
    java.util.Map<String, String> entries = new java.util.LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        entries.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return entries;
  }

  @Test
  void encryptedRegexLeavesOtherValuesAndHonoursTheMac() throws Exception {
    String encrypted =
        sops.encrypt(
            "regex.yaml", SECRET, "--age", recipient, "--encrypted-regex", "^(data|stringData)$");
    assertThat(encrypted).contains("name: db").contains("encrypted_regex");
    String ours = decryptToText(ageDecryptor(), "regex.yaml", encrypted);
    assertThat(documents("a.yaml", ours))
        .isEqualTo(documents("b.yaml", sops.decrypt("regex.yaml", encrypted, ageKey)));

    // A plain value is covered by the MAC too.
    String changed = encrypted.replace("app: shop", "app: evil");
    assertThatThrownBy(() -> ageDecryptor().decrypt(SourceFile.of("regex.yaml", changed)))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("regex.yaml")
        .hasMessageContaining("MAC mismatch");
  }

  @Test
  void unencryptedSuffixAndMacOnlyEncrypted() throws Exception {
    String text =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n"
            + "  user_unencrypted: admin\n  pass: pw-plaintext\n";
    Path config = dir.resolve("mac-only.sops.yaml");
    java.nio.file.Files.writeString(
        config, "creation_rules:\n  - age: " + recipient + "\n    mac_only_encrypted: true\n");
    String encrypted = sops.encrypt(config, "suffix.yaml", text);
    assertThat(encrypted).contains("user_unencrypted: admin").contains("mac_only_encrypted: true");
    String ours = decryptToText(ageDecryptor(), "suffix.yaml", encrypted);
    assertThat(documents("a.yaml", ours))
        .isEqualTo(documents("b.yaml", sops.decrypt("suffix.yaml", encrypted, ageKey)));
    // With mac_only_encrypted a plain value may change; sops accepts that too.
    String changed = encrypted.replace("user_unencrypted: admin", "user_unencrypted: root");
    assertThat(decryptToText(ageDecryptor(), "suffix.yaml", changed)).contains("root");
  }

  @Test
  void pgpDecryptsToWhatSopsGives() throws Exception {
    String encrypted = sops.encrypt("pgp.yaml", SECRET, "--pgp", gpgFingerprint);
    assertThat(encrypted).contains("BEGIN PGP MESSAGE").contains(gpgFingerprint);
    SopsDecryptor pgp = SopsDecryptor.of(SopsKeys.custom().pgpSecretKeyRing(gpgRing).build());
    String ours = decryptToText(pgp, "pgp.yaml", encrypted);
    assertThat(documents("a.yaml", ours))
        .isEqualTo(documents("b.yaml", sops.decrypt("pgp.yaml", encrypted, null)));
  }

  @Test
  void ageAndPgpRecipientsEitherKeyOpensTheFile() throws Exception {
    String encrypted =
        sops.encrypt("both.yaml", SECRET, "--age", recipient, "--pgp", gpgFingerprint);
    Path other = sops.newAgeKey("other");
    SopsDecryptor pgpOnly =
        SopsDecryptor.of(SopsKeys.custom().ageKeyFile(other).pgpSecretKeyRing(gpgRing).build());
    assertThat(decryptToText(pgpOnly, "both.yaml", encrypted)).contains("hunter2-plaintext");
    assertThat(decryptToText(ageDecryptor(), "both.yaml", encrypted)).contains("hunter2-plaintext");
  }

  @Test
  void tamperedValueNamesFileLineAndKeyPath() throws Exception {
    String encrypted = sops.encrypt("tamper.yaml", SECRET, "--age", recipient);
    String line = encrypted.lines().filter(l -> l.contains("password:")).findFirst().orElseThrow();
    String data = line.substring(line.indexOf("data:") + 5, line.indexOf(",iv:"));
    String flipped = (data.charAt(0) == 'A' ? "B" : "A") + data.substring(1);
    String tampered = encrypted.replace(line, line.replace("data:" + data, "data:" + flipped));

    assertThatThrownBy(() -> ageDecryptor().decrypt(SourceFile.of("apps/tamper.yaml", tampered)))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("apps/tamper.yaml:" + lineOf(tampered, "password:"))
        .hasMessageContaining("stringData.password")
        .hasMessageContaining("fails authentication")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void valueMovedToAnotherKeyIsRefused() throws Exception {
    String encrypted = sops.encrypt("move.yaml", SECRET, "--age", recipient);
    String password = tokenOf(encrypted, "password:");
    String port = tokenOf(encrypted, "port:");
    // Swap two encrypted values: each is bound to its own key path.
    String swapped = encrypted.replace(password, "@@").replace(port, password).replace("@@", port);
    assertThatThrownBy(() -> ageDecryptor().decrypt(SourceFile.of("move.yaml", swapped)))
        .hasMessageContaining("stringData.password")
        .hasMessageContaining("stringData.port");
  }

  @Test
  void tamperedMacIsRefused() throws Exception {
    String encrypted = sops.encrypt("mac.yaml", SECRET, "--age", recipient);
    String mac = tokenOf(encrypted, "mac:");
    String data = mac.substring(mac.indexOf("data:") + 5, mac.indexOf(",iv:"));
    String flipped = (data.charAt(0) == 'A' ? "B" : "A") + data.substring(1);
    String tampered = encrypted.replace(mac, mac.replace(data, flipped));
    assertThatThrownBy(() -> ageDecryptor().decrypt(SourceFile.of("mac.yaml", tampered)))
        .hasMessageContaining("mac.yaml:" + lineOf(tampered, "mac:"))
        .hasMessageContaining("sops.mac fails authentication");

    // A plain value added after encryption breaks the MAC.
    String added = encrypted.replace("kind: ", "extra: value\nkind: ");
    assertThat(added).isNotEqualTo(encrypted);
  }

  @Test
  void wrongOrMissingKeyIsAClearProblem() throws Exception {
    String encrypted = sops.encrypt("wrong.yaml", SECRET, "--age", recipient);
    Path other = sops.newAgeKey("wrong");
    SopsDecryptor wrong = SopsDecryptor.of(SopsKeys.custom().ageKeyFile(other).build());
    assertThatThrownBy(() -> wrong.decrypt(SourceFile.of("wrong.yaml", encrypted)))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("wrong.yaml")
        .hasMessageContaining("cannot decrypt the data key")
        .hasMessageContaining(recipient)
        .hasMessageContaining(SopsFixtures.ageRecipient(other));

    SopsDecryptor pgpOnly = SopsDecryptor.of(SopsKeys.custom().pgpSecretKeyRing(gpgRing).build());
    assertThatThrownBy(() -> pgpOnly.decrypt(SourceFile.of("wrong.yaml", encrypted)))
        .hasMessageContaining("no configured key matches");
  }

  @Test
  void decryptingRendererHandsPlaintextToAnyRenderer() throws Exception {
    String encrypted = sops.encrypt("r.yaml", SECRET, "--age", recipient);
    dev.gitops4j.render.Renderer renderer =
        ageDecryptor().decrypting(dev.gitops4j.render.ManifestRenderer.ofDefaults());
    dev.gitops4j.model.DesiredState state =
        renderer.render(
            new dev.gitops4j.source.Snapshot(
                "r1", null, List.of(SourceFile.of("apps/r.yaml", encrypted))));
    JsonNode db =
        state.resources().get(dev.gitops4j.model.ResourceId.of("Secret", null, "db")).body();
    assertThat(db.at("/stringData/password").asText()).isEqualTo("hunter2-plaintext");
    assertThat(db.has("sops")).isFalse();
    // Origins point at the lines of the file as committed.
    assertThat(
            state
                .resources()
                .get(dev.gitops4j.model.ResourceId.of("Secret", null, "second"))
                .origin())
        .isEqualTo(
            new dev.gitops4j.model.Origin("apps/r.yaml", lineOf(encrypted, "apiVersion", 2), 1));
  }

  static int lineOf(String text, String needle, int occurrence) {
    List<String> lines = text.lines().toList();
    int seen = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle) && ++seen == occurrence) {
        return i + 1;
      }
    }
    throw new AssertionError(needle + " not found");
  }

  @Test
  void plainFilesPassThroughUnchanged() throws Exception {
    SourceFile plain =
        SourceFile.of("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
    assertThat(ageDecryptor().decrypt(plain)).isSameAs(plain);
  }

  @Test
  void onlyKindsRefusesEncryptedConfigMaps() throws Exception {
    String encrypted =
        sops.encrypt(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v-plaintext\n",
            "--age",
            recipient,
            "--encrypted-regex",
            "^data$");
    SopsDecryptor secretsOnly =
        SopsDecryptor.custom(SopsKeys.custom().ageKeyFile(ageKey).build())
            .onlyKinds("Secret")
            .build();
    assertThatThrownBy(() -> secretsOnly.decrypt(SourceFile.of("cm.yaml", encrypted)))
        .hasMessageContaining("cm.yaml")
        .hasMessageContaining("ConfigMap")
        .hasMessageNotContaining("v-plaintext");
    // A values file is no object: it has no kind to check.
    String values = sops.encrypt("values.yaml", "password: values-plaintext\n", "--age", recipient);
    assertThat(decryptToText(secretsOnly, "values.yaml", values)).contains("values-plaintext");
  }

  @Test
  void ageKeysFromTheEnvironmentForm() throws Exception {
    String identity =
        java.nio.file.Files.readAllLines(ageKey).stream()
            .filter(l -> l.startsWith("AGE-SECRET-KEY-"))
            .findFirst()
            .orElseThrow();
    SopsKeys keys = SopsKeys.fromEnvironment(java.util.Map.of("SOPS_AGE_KEY", identity));
    assertThat(keys.ageRecipients()).containsExactly(recipient);
    assertThat(keys.toString()).contains(recipient).doesNotContain("AGE-SECRET-KEY");
    String encrypted = sops.encrypt("env.yaml", SECRET, "--age", recipient);
    assertThat(decryptToText(SopsDecryptor.of(keys), "env.yaml", encrypted)).contains("hunter2");
  }

  static int lineOf(String text, String needle) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError(needle + " not found");
  }

  static String tokenOf(String text, String key) {
    String line = text.lines().filter(l -> l.contains(key)).findFirst().orElseThrow();
    int start = line.indexOf("ENC[");
    return line.substring(start, line.indexOf(']', start) + 1);
  }
}
