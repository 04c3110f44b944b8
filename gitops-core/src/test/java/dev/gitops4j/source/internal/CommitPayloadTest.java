package dev.gitops4j.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommitPayloadTest {

  @Test
  void splitsSignatureHeaderFromPayload() {
    String raw =
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
            + "author A <a@x> 1 +0000\n"
            + "committer A <a@x> 1 +0000\n"
            + "gpgsig -----BEGIN PGP SIGNATURE-----\n"
            + " \n"
            + " abc\n"
            + " -----END PGP SIGNATURE-----\n"
            + "\n"
            + "message\n gpgsig in body stays\n";
    CommitPayload split = CommitPayload.split(raw.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(split.payload(), StandardCharsets.UTF_8))
        .isEqualTo(
            "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
                + "author A <a@x> 1 +0000\n"
                + "committer A <a@x> 1 +0000\n"
                + "\n"
                + "message\n gpgsig in body stays\n");
    assertThat(new String(split.signature(), StandardCharsets.UTF_8))
        .isEqualTo("-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n");
  }

  @Test
  void unsignedCommitHasNoSignature() {
    byte[] raw = "tree 1\nauthor A\n\nmsg\n".getBytes(StandardCharsets.UTF_8);
    CommitPayload split = CommitPayload.split(raw);
    assertThat(split.signature()).isNull();
    assertThat(split.payload()).isEqualTo(raw);
  }
}
