package dev.gitops4j.sops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.sops.internal.PgpSecretKeys;
import dev.gitops4j.test.SopsFixtures;
import dev.gitops4j.test.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages made by the real gpg, opened by {@link PgpSecretKeys}. */
class PgpSecretKeysIT {

  @TempDir Path dir;
  SopsFixtures gpg;

  @AfterEach
  void stopAgent() {
    if (gpg != null) {
      gpg.close();
    }
  }

  byte[] encrypt(String fingerprint, String plaintext, String... options) throws Exception {
    Path in = dir.resolve("plain.txt");
    Files.writeString(in, plaintext);
    Path out = dir.resolve("msg-" + System.nanoTime() + ".asc");
    String[] args = new String[options.length + 8];
    System.arraycopy(options, 0, args, 0, options.length);
    System.arraycopy(
        new String[] {
          "--batch", "--trust-model", "always", "--armor", "-r", fingerprint, "-o", out.toString()
        },
        0,
        args,
        options.length,
        8);
    String[] withFile = java.util.Arrays.copyOf(args, args.length + 2);
    withFile[args.length] = "--encrypt";
    withFile[args.length + 1] = in.toString();
    gpg.gpg(withFile);
    return Files.readAllBytes(out);
  }

  @Test
  void opensMessagesForKnownAndHiddenRecipients() throws Exception {
    gpg = new SopsFixtures(Testbed.get(), dir);
    String fingerprint = gpg.newGpgKey("pgp@example.org");
    PgpSecretKeys keys =
        PgpSecretKeys.read(Files.readAllBytes(gpg.exportGpgSecretKeys("ring")), new char[0]);
    assertThat(keys.fingerprints()).containsExactly(fingerprint);

    assertThat(new String(keys.decrypt(encrypt(fingerprint, "data-key-1")), StandardCharsets.UTF_8))
        .isEqualTo("data-key-1");
    assertThat(
            new String(
                keys.decrypt(encrypt(fingerprint, "data-key-2", "--throw-keyids")),
                StandardCharsets.UTF_8))
        .isEqualTo("data-key-2");
  }

  @Test
  void passphraseProtectedKeysNeedTheirPassphrase() throws Exception {
    gpg = new SopsFixtures(Testbed.get(), dir);
    gpg.newGpgKey("unused@example.org"); // creates the GNUPGHOME
    gpg.gpg(
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "correct horse",
        "--quick-gen-key",
        "Locked <locked@example.org>",
        "default",
        "default",
        "never");
    String listing =
        gpg.gpg("--batch", "--with-colons", "--list-secret-keys", "locked@example.org");
    String fingerprint =
        listing.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
    Path ring = dir.resolve("locked.asc");
    Files.writeString(
        ring,
        gpg.gpg(
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "correct horse",
            "--armor",
            "--export-secret-keys",
            "locked@example.org"));
    byte[] message = encrypt(fingerprint, "locked-data-key");

    PgpSecretKeys right =
        PgpSecretKeys.read(Files.readAllBytes(ring), "correct horse".toCharArray());
    assertThat(new String(right.decrypt(message), StandardCharsets.UTF_8))
        .isEqualTo("locked-data-key");
    PgpSecretKeys wrong = PgpSecretKeys.read(Files.readAllBytes(ring), "wrong".toCharArray());
    assertThatThrownBy(() -> wrong.decrypt(message)).hasMessageContaining("wrong passphrase");
  }

  @Test
  void notAKeyRingIsRefused() {
    assertThatThrownBy(() -> PgpSecretKeys.read("hello".getBytes(), new char[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
