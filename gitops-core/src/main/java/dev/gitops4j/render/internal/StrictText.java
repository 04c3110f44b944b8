package dev.gitops4j.render.internal;

import dev.gitops4j.model.Origin;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns file bytes into text, refusing what parsers would otherwise replace silently or report
 * without a usable position: invalid UTF-8, UTF-16 files and control characters.
 */
final class StrictText {

  private StrictText() {}

  /**
   * Decodes {@code bytes} as UTF-8, dropping a leading byte order mark.
   *
   * @throws DecodeFailure at the line and byte of the first invalid sequence
   */
  static String decodeUtf8(String file, byte[] bytes) throws DecodeFailure {
    if (startsWith(bytes, 0xFE, 0xFF) || startsWith(bytes, 0xFF, 0xFE)) {
      throw new DecodeFailure(
          new Origin(file, 1, 1), "file is UTF-16 encoded (byte order mark); save it as UTF-8");
    }
    int start = startsWith(bytes, 0xEF, 0xBB, 0xBF) ? 3 : 0;
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      throw new DecodeFailure(
          byteOrigin(file, bytes, offset),
          String.format(
              "invalid UTF-8: byte 0x%02X at byte offset %d cannot start or continue a character;"
                  + " manifests must be UTF-8 text",
              bytes[offset] & 0xFF, offset));
    }
    out.flip();
    return out.toString();
  }

  /** Origin of the byte at {@code offset}: line by newlines before it, column in bytes. */
  static Origin byteOrigin(String file, byte[] bytes, int offset) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(offset, bytes.length);
    for (int i = 0; i < end; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Origin(file, line, offset - lineStart + 1);
  }

  /**
   * Refuses characters that YAML does not allow in a stream (and, for JSON, raw control
   * characters), reporting the exact line and column instead of the parser's vaguer position.
   */
  static void checkCharacters(String file, String text, boolean yaml) throws DecodeFailure {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!allowed(c, yaml)) {
        throw new DecodeFailure(
            new Origin(file, line, column),
            String.format(
                "%s character U+%04X is not allowed in %s",
                c < 0x20 || (c >= 0x7F && c <= 0x9F) ? "control" : "non-printable",
                c,
                yaml ? "YAML" : "JSON"));
      }
      if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
        line++;
        column = 1;
      } else if (c != '\r') {
        column++;
      }
      i += Character.charCount(c);
    }
  }

  private static boolean allowed(int c, boolean yaml) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return true;
    }
    if (c < 0x20) {
      return false;
    }
    if (!yaml) {
      return true;
    }
    // YAML's printable set: DEL, C1 controls other than NEL, and U+FFFE/U+FFFF are excluded.
    return c < 0x7F || c == 0x85 || (c >= 0xA0 && c != 0xFFFE && c != 0xFFFF);
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
