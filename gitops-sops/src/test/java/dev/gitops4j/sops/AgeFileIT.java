package dev.gitops4j.sops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.sops.internal.AgeFile;
import dev.gitops4j.sops.internal.AgeIdentity;
import dev.gitops4j.test.SopsFixtures;
import dev.gitops4j.test.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** age files written by the real age binary, opened by {@link AgeFile}. */
class AgeFileIT {

  @TempDir Path dir;

  AgeIdentity identity(Path keyFile) throws Exception {
    return AgeIdentity.parse(
        Files.readAllLines(keyFile).stream()
            .filter(l -> l.startsWith("AGE-SECRET-KEY-"))
            .findFirst()
            .orElseThrow());
  }

  byte[] ageEncrypt(byte[] plaintext, boolean armor, String... recipients) throws Exception {
    Path in = dir.resolve("plain.bin");
    Path out = dir.resolve("sealed.age");
    Files.write(in, plaintext);
    List<String> command = new java.util.ArrayList<>(List.of(Testbed.get().age().toString()));
    if (armor) {
      command.add("--armor");
    }
    for (String recipient : recipients) {
      command.add("-r");
      command.add(recipient);
    }
    command.addAll(List.of("-o", out.toString(), in.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return Files.readAllBytes(out);
  }

  @Test
  void opensBinaryAndArmoredFilesAcrossStreamChunks() throws Exception {
    SopsFixtures fixtures = new SopsFixtures(Testbed.get(), dir);
    Path key = fixtures.newAgeKey("k");
    Path other = fixtures.newAgeKey("o");
    AgeIdentity mine = identity(key);
    assertThat(mine.recipient()).isEqualTo(SopsFixtures.ageRecipient(key));
    Random random = new Random(42);
    // Empty, one byte, exactly one 64 KiB chunk, and several chunks with a short last one.
    for (int size : new int[] {0, 1, 65536, 3 * 65536 + 17}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      for (boolean armor : new boolean[] {false, true}) {
        byte[] sealed =
            ageEncrypt(plaintext, armor, SopsFixtures.ageRecipient(other), mine.recipient());
        assertThat(AgeFile.decrypt(sealed, List.of(mine)))
            .as("size %d armor %s", size, armor)
            .isEqualTo(plaintext);
      }
    }
  }

  @Test
  void wrongIdentityAndChangedPayloadAreRefused() throws Exception {
    SopsFixtures fixtures = new SopsFixtures(Testbed.get(), dir);
    AgeIdentity mine = identity(fixtures.newAgeKey("k"));
    AgeIdentity stranger = identity(fixtures.newAgeKey("s"));
    byte[] sealed = ageEncrypt("data key".getBytes(), false, mine.recipient());

    assertThatThrownBy(() -> AgeFile.decrypt(sealed, List.of(stranger)))
        .hasMessageContaining("no configured age identity");
    byte[] changed = sealed.clone();
    changed[changed.length - 1] ^= 1;
    assertThatThrownBy(() -> AgeFile.decrypt(changed, List.of(mine)))
        .hasMessageContaining("payload authentication failed");
    byte[] header = sealed.clone();
    int arrow = new String(header, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("--- ");
    header[arrow + 5] ^= 1;
    assertThatThrownBy(() -> AgeFile.decrypt(header, List.of(mine)))
        .hasMessageContaining("age header");
  }

  @Test
  void malformedIdentitiesNameTheLineButNotTheKey() throws Exception {
    Path file = dir.resolve("keys.txt");
    Files.writeString(
        file,
        "# created: now\nAGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n");
    assertThatThrownBy(() -> SopsKeys.custom().ageKeyFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys.txt:2")
        .hasMessageNotContaining("QQQQQQQQ");
    assertThatThrownBy(() -> SopsKeys.custom().build()).hasMessageContaining("no SOPS keys");
  }
}
