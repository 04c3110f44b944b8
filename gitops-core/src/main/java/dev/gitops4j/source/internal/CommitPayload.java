package dev.gitops4j.source.internal;

import java.io.ByteArrayOutputStream;

/**
 * Splits a raw commit object into the signed payload (the commit without its {@code gpgsig} header)
 * and the signature, the way {@code git verify-commit} does.
 *
 * @param payload the bytes the signer signed
 * @param signature the signature with continuation-line indentation removed, or {@code null}
 */
public record CommitPayload(byte[] payload, byte[] signature) {

  private static final byte[] HEADER =
      "gpgsig ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  public static CommitPayload split(byte[] raw) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream(raw.length);
    ByteArrayOutputStream signature = null;
    int pos = 0;
    boolean inHeaders = true;
    boolean inSignature = false;
    while (pos < raw.length) {
      int end = pos;
      while (end < raw.length && raw[end] != '\n') {
        end++;
      }
      int next = Math.min(end + 1, raw.length);
      if (inHeaders) {
        if (end == pos) {
          inHeaders = false;
          inSignature = false;
          payload.write(raw, pos, next - pos);
        } else if (inSignature && raw[pos] == ' ') {
          signature.write(raw, pos + 1, next - pos - 1);
        } else if (signature == null && startsWith(raw, pos, HEADER)) {
          signature = new ByteArrayOutputStream();
          signature.write(raw, pos + HEADER.length, next - pos - HEADER.length);
          inSignature = true;
        } else {
          inSignature = false;
          payload.write(raw, pos, next - pos);
        }
      } else {
        payload.write(raw, pos, raw.length - pos);
        break;
      }
      pos = next;
    }
    return new CommitPayload(
        payload.toByteArray(), signature == null ? null : signature.toByteArray());
  }

  private static boolean startsWith(byte[] raw, int pos, byte[] prefix) {
    if (raw.length - pos < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (raw[pos + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
