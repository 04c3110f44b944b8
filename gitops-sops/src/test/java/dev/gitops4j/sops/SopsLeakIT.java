package dev.gitops4j.sops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.test.SopsFixtures;
import dev.gitops4j.test.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every log line written (trace), decrypting good and bad files leaves no plaintext value in
 * the log, in any exception (message, problems, stack trace with causes) or in toString output.
 */
class SopsLeakIT {

  static final String[] PLAINTEXTS = {"leak-canary-password-31337", "leak-canary-token-4242"};

  @TempDir Path dir;

  @Test
  void noPlaintextInLogsExceptionsOrToString() throws Exception {
    SopsFixtures sops = new SopsFixtures(Testbed.get(), dir);
    Path ageKey = sops.newAgeKey("leak");
    String recipient = SopsFixtures.ageRecipient(ageKey);
    String fingerprint = sops.newGpgKey("leak@example.org");
    Path ring = sops.exportGpgSecretKeys("leak");
    String yaml =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\nstringData:\n  password: "
            + PLAINTEXTS[0]
            + "\n  token: "
            + PLAINTEXTS[1]
            + "\n";
    String cm = yaml.replace("kind: Secret", "kind: ConfigMap").replace("stringData", "data");
    String age = sops.encrypt("a.yaml", yaml, "--age", recipient);
    String pgp = sops.encrypt("p.yaml", yaml, "--pgp", fingerprint);
    String config = sops.encrypt("c.yaml", cm, "--age", recipient);
    sops.close();

    SopsKeys keys = SopsKeys.custom().ageKeyFile(ageKey).pgpSecretKeyRing(ring).build();
    SopsDecryptor decryptor = SopsDecryptor.custom(keys).onlyKinds("Secret").build();
    SopsDecryptor wrongKey =
        SopsDecryptor.of(SopsKeys.custom().ageKeyFile(sops.newAgeKey("wrong")).build());
    String identity =
        Files.readAllLines(ageKey).stream()
            .filter(l -> l.startsWith("AGE-SECRET-KEY-"))
            .findFirst()
            .orElseThrow();

    List<SourceFile> bad = new ArrayList<>();
    bad.add(SourceFile.of("tampered-value.yaml", flipData(age, "password:")));
    bad.add(SourceFile.of("tampered-mac.yaml", flipData(age, "mac:")));
    bad.add(SourceFile.of("swapped.yaml", swap(age)));
    bad.add(SourceFile.of("configmap.yaml", config));

    PrintStream originalErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new Tee(originalErr, logs), true, StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    try {
      SourceFile plainAge = decryptor.decrypt(SourceFile.of("a.yaml", age));
      SourceFile plainPgp = decryptor.decrypt(SourceFile.of("p.yaml", pgp));
      assertThat(new String(plainAge.content(), StandardCharsets.UTF_8)).contains(PLAINTEXTS[0]);
      assertThat(new String(plainPgp.content(), StandardCharsets.UTF_8)).contains(PLAINTEXTS[1]);
      seen.append(plainAge).append(plainPgp).append(keys).append(decryptor);
      for (SourceFile file : bad) {
        seen.append(failure(() -> decryptor.decrypt(file)));
      }
      seen.append(failure(() -> wrongKey.decrypt(SourceFile.of("a.yaml", age))));
      seen.append(
          failure(
              () ->
                  decryptor.decrypt(
                      new Snapshot("r1", null, List.of(bad.get(0), bad.get(1), bad.get(3))))));
    } finally {
      System.setErr(originalErr);
    }
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).as("trace logging is on").contains("decrypted SOPS file a.yaml");
    assertThat(seen.toString())
        .contains("tampered-value.yaml")
        .contains("tampered-mac.yaml")
        .contains("configmap.yaml")
        .contains("cannot decrypt the data key");
    for (String value : PLAINTEXTS) {
      String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
      assertThat(logged).doesNotContain(value).doesNotContain(b64);
      assertThat(seen.toString()).doesNotContain(value).doesNotContain(b64);
    }
    assertThat(logged + seen).doesNotContain(identity).doesNotContain("PRIVATE KEY");
  }

  interface Failing {
    void run() throws Exception;
  }

  /** Message, problems and full stack trace (causes included) of the expected failure. */
  static String failure(Failing action) {
    try {
      action.run();
    } catch (Exception e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      String problems =
          e instanceof InvalidDesiredStateException invalid ? invalid.problems().toString() : "";
      return e.getMessage() + problems + trace;
    }
    throw new AssertionError("expected a failure");
  }

  static String flipData(String encrypted, String key) {
    String line = encrypted.lines().filter(l -> l.contains(key)).findFirst().orElseThrow();
    String data = line.substring(line.indexOf("data:") + 5, line.indexOf(",iv:"));
    String flipped = (data.charAt(0) == 'A' ? "B" : "A") + data.substring(1);
    return encrypted.replace(line, line.replace("data:" + data, "data:" + flipped));
  }

  static String swap(String encrypted) {
    String a = token(encrypted, "password:");
    String b = token(encrypted, "token:");
    return encrypted.replace(a, "@@").replace(b, a).replace("@@", b);
  }

  static String token(String text, String key) {
    String line = text.lines().filter(l -> l.contains(key)).findFirst().orElseThrow();
    int start = line.indexOf("ENC[");
    return line.substring(start, line.indexOf(']', start) + 1);
  }

  static final class Tee extends OutputStream {
    private final OutputStream one;
    private final OutputStream two;

    Tee(OutputStream one, OutputStream two) {
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
