package dev.gitops4j.sops.internal;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Bech32 (BIP 173) as age uses it for its keys, without the 90-character length limit. */
final class Bech32 {

  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final int[] GENERATOR = {
    0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3
  };

  private Bech32() {}

  /** The human-readable part (lower case) and the data of {@code text}. */
  record Decoded(String hrp, byte[] data) {}

  static Decoded decode(String text) {
    if (!text.equals(text.toLowerCase(Locale.ROOT))
        && !text.equals(text.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException("mixed case");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    int separator = lower.lastIndexOf('1');
    if (separator < 1 || separator + 7 > lower.length()) {
      throw new IllegalArgumentException("no separator or too short");
    }
    String hrp = lower.substring(0, separator);
    int[] values = new int[lower.length() - separator - 1];
    for (int i = 0; i < values.length; i++) {
      int v = CHARSET.indexOf(lower.charAt(separator + 1 + i));
      if (v < 0) {
        throw new IllegalArgumentException("invalid character");
      }
      values[i] = v;
    }
    if (polymod(hrp, values) != 1) {
      throw new IllegalArgumentException("bad checksum");
    }
    // Drop the 6 checksum characters, then regroup 5-bit groups into bytes.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int accumulator = 0;
    int bits = 0;
    for (int i = 0; i < values.length - 6; i++) {
      accumulator = (accumulator << 5) | values[i];
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.write((accumulator >> bits) & 0xff);
      }
    }
    if (bits >= 5 || ((accumulator << (8 - bits)) & 0xff) != 0) {
      throw new IllegalArgumentException("invalid padding");
    }
    return new Decoded(hrp, out.toByteArray());
  }

  /** {@code data} encoded with {@code hrp}, in lower case. */
  static String encode(String hrp, byte[] data) {
    int[] values = new int[(data.length * 8 + 4) / 5];
    int accumulator = 0;
    int bits = 0;
    int n = 0;
    for (byte b : data) {
      accumulator = (accumulator << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        values[n++] = (accumulator >> bits) & 31;
      }
    }
    if (bits > 0) {
      values[n++] = (accumulator << (5 - bits)) & 31;
    }
    int[] withChecksum = new int[n + 6];
    System.arraycopy(values, 0, withChecksum, 0, n);
    int mod = polymod(hrp, withChecksum) ^ 1;
    for (int i = 0; i < 6; i++) {
      withChecksum[n + i] = (mod >> (5 * (5 - i))) & 31;
    }
    StringBuilder text = new StringBuilder(hrp).append('1');
    for (int v : withChecksum) {
      text.append(CHARSET.charAt(v));
    }
    return text.toString();
  }

  private static int polymod(String hrp, int[] values) {
    int check = 1;
    for (int i = 0; i < hrp.length(); i++) {
      check = step(check, hrp.charAt(i) >> 5);
    }
    check = step(check, 0);
    for (int i = 0; i < hrp.length(); i++) {
      check = step(check, hrp.charAt(i) & 31);
    }
    for (int v : values) {
      check = step(check, v);
    }
    return check;
  }

  private static int step(int check, int value) {
    int top = check >>> 25;
    check = ((check & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; i++) {
      if (((top >> i) & 1) != 0) {
        check ^= GENERATOR[i];
      }
    }
    return check;
  }
}
