package dev.gitops4j.history;

import java.io.IOException;
import java.util.List;

/**
 * Append-only audit trail of reconcile passes. Implementations chain records by hash so that {@link
 * #verify()} detects edited, removed or reordered records.
 */
public interface HistoryStore {

  /** Appends a record at the end of the trail. */
  void append(HistoryRecord record) throws IOException;

  /** The newest {@code limit} records of {@code application}, newest first. */
  List<HistoryRecord> list(String application, int limit) throws IOException;

  /** Checks the whole trail's hash chain. */
  Verification verify() throws IOException;

  /**
   * Result of checking the hash chain.
   *
   * @param intact true when no record was edited, removed or reordered
   * @param records number of records checked
   * @param firstBadLine 1-based line (record position) of the first broken link, or 0 if intact
   * @param reason what is wrong at that line, or empty
   */
  record Verification(boolean intact, long records, long firstBadLine, String reason) {

    public static Verification ok(long records) {
      return new Verification(true, records, 0, "");
    }

    public static Verification broken(long records, long line, String reason) {
      return new Verification(false, records, line, reason);
    }
  }
}
