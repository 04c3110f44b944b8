package dev.gitops4j.history;

import dev.gitops4j.history.internal.ChainVerifier;
import dev.gitops4j.history.internal.HistoryCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * History kept in memory, for tests and short-lived embeddings. Records are chained exactly as in
 * {@link JsonLinesHistoryStore} (same line format, same hashes), so {@link #lines()} written to a
 * file is a valid history file. Unbounded: it holds every record appended. Thread-safe.
 */
public final class InMemoryHistoryStore implements HistoryStore {

  private final List<byte[]> lines = new ArrayList<>();
  private final List<HistoryRecord> records = new ArrayList<>();
  private String head = HistoryCodec.GENESIS;

  @Override
  public synchronized void append(HistoryRecord record) {
    Objects.requireNonNull(record, "record");
    byte[] line = HistoryCodec.encode(record, head);
    lines.add(line);
    records.add(record);
    head = HistoryCodec.lineHash(line);
  }

  @Override
  public synchronized List<HistoryRecord> list(String application, int limit) {
    Objects.requireNonNull(application, "application");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    List<HistoryRecord> out = new ArrayList<>();
    for (int i = records.size() - 1; i >= 0 && out.size() < limit; i--) {
      if (records.get(i).application().equals(application)) {
        out.add(records.get(i));
      }
    }
    return out;
  }

  @Override
  public synchronized Verification verify() {
    ChainVerifier verifier = new ChainVerifier();
    for (byte[] line : lines) {
      verifier.accept(line, true);
    }
    return verifier.result();
  }

  /** SHA-256 of the last line, or 64 zeros when empty. See {@link JsonLinesHistoryStore#head()}. */
  public synchronized String head() {
    return head;
  }

  /** The trail as JSON lines (without terminators), oldest first. */
  public synchronized List<String> lines() {
    List<String> out = new ArrayList<>(lines.size());
    for (byte[] line : lines) {
      out.add(new String(line, StandardCharsets.UTF_8));
    }
    return out;
  }
}
