package dev.gitops4j.history.internal;

import dev.gitops4j.history.HistoryStore.Verification;
import java.util.Arrays;

/**
 * Checks a trail line by line, oldest first, and stops at the first broken link. Shared by every
 * store so all of them detect the same tampering the same way.
 *
 * <p>A line is intact when it parses, its {@code prev} is the SHA-256 of the previous line's exact
 * bytes (or {@link HistoryCodec#GENESIS} for the first), its {@code hash} matches its content, and
 * it is byte for byte in canonical form (so fields added or reformatted by hand are caught too).
 */
public final class ChainVerifier {

  private String expectedPrev = HistoryCodec.GENESIS;
  private long line;
  private Verification broken;

  /**
   * Feeds the next line (without its terminator).
   *
   * @param terminated false when the line is the file's last and has no line terminator
   * @return false once the chain is broken; further lines are ignored
   */
  public boolean accept(byte[] bytes, boolean terminated) {
    if (broken != null) {
      return false;
    }
    line++;
    String reason = check(bytes, terminated);
    if (reason != null) {
      broken = Verification.broken(line - 1, line, reason);
      return false;
    }
    expectedPrev = HistoryCodec.lineHash(bytes);
    return true;
  }

  /** The verdict over all lines fed so far. */
  public Verification result() {
    return broken != null ? broken : Verification.ok(line);
  }

  private String check(byte[] bytes, boolean terminated) {
    if (!terminated) {
      return "incomplete last line (truncated or torn write)";
    }
    HistoryCodec.Entry entry;
    try {
      entry = HistoryCodec.decode(bytes);
    } catch (HistoryCodec.MalformedLineException e) {
      return "not a history record: " + e.getMessage();
    }
    if (!entry.prev().equals(expectedPrev)) {
      return line == 1
          ? "'prev' is not the chain start: records before it were removed"
          : "'prev' does not match the previous line: a record was removed, inserted or reordered"
              + " before this line, or the previous line was edited";
    }
    if (!entry.hash().equals(HistoryCodec.recordHash(entry.record(), entry.prev()))) {
      return "'hash' does not match the record: the record was edited";
    }
    if (!Arrays.equals(bytes, HistoryCodec.encode(entry.record(), entry.prev()))) {
      return "line is not in canonical form: it was edited";
    }
    return null;
  }
}
