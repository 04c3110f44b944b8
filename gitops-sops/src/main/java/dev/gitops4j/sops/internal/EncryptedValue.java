package dev.gitops4j.sops.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A value as SOPS stores it, {@code ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]}: AES-256-GCM under
 * the file's data key, with the value's path ({@code key:key:}) as additional data.
 */
record EncryptedValue(byte[] data, byte[] iv, byte[] tag, String type) {

  static final String PREFIX = "ENC[AES256_GCM,";
  private static final Pattern FORMAT =
      Pattern.compile("^ENC\\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\\]$");

  /** Null when {@code text} is not in the SOPS format. */
  static EncryptedValue parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return null;
    }
    try {
      Base64.Decoder b64 = Base64.getDecoder();
      return new EncryptedValue(
          b64.decode(m.group(1)), b64.decode(m.group(2)), b64.decode(m.group(3)), m.group(4));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The plaintext bytes.
   *
   * @throws InvalidCipherTextException when the value, its path or the key do not match
   */
  byte[] decrypt(byte[] key, String additionalData) throws InvalidCipherTextException {
    if (tag.length != 16 || iv.length == 0) {
      throw new InvalidCipherTextException("malformed value");
    }
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(
        false,
        new AEADParameters(
            new KeyParameter(key), 128, iv, additionalData.getBytes(StandardCharsets.UTF_8)));
    byte[] sealed = new byte[data.length + tag.length];
    System.arraycopy(data, 0, sealed, 0, data.length);
    System.arraycopy(tag, 0, sealed, data.length, tag.length);
    byte[] out = new byte[gcm.getOutputSize(sealed.length)];
    int n = gcm.processBytes(sealed, 0, sealed.length, out, 0);
    n += gcm.doFinal(out, n);
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }
}
