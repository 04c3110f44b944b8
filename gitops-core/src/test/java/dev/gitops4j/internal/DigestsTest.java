package dev.gitops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestsTest {

  // Test vectors of FIPS 180-2, appendix B.1, and the digest of the empty message.
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void hashesTheEmptyMessage() {
    assertThat(Digests.sha256Hex("")).isEqualTo(EMPTY);
    assertThat(Digests.sha256Hex(new byte[0])).isEqualTo(EMPTY);
  }

  @Test
  void hashesAbc() {
    assertThat(Digests.sha256Hex("abc")).isEqualTo(ABC);
    assertThat(Digests.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
  }

  @Test
  void streamedDigestEqualsOneShot() {
    var digest = Digests.sha256();
    digest.update((byte) 'a');
    digest.update("bc".getBytes(StandardCharsets.US_ASCII));
    assertThat(Digests.hex(digest.digest())).isEqualTo(ABC);
  }

  @Test
  void hexIsLowerCaseTwoDigitsPerByte() {
    assertThat(Digests.hex(new byte[] {0x00, 0x0f, (byte) 0xab, (byte) 0xff}))
        .isEqualTo("000fabff");
  }

  @Test
  void textIsHashedAsUtf8() {
    // "é" is 0xC3 0xA9 in UTF-8; the digest of those two bytes, not of the char.
    assertThat(Digests.sha256Hex("é"))
        .isEqualTo(Digests.sha256Hex(new byte[] {(byte) 0xc3, (byte) 0xa9}));
  }
}
