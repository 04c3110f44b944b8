package dev.gitops4j.jdbc;

import dev.gitops4j.engine.Fence;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.history.internal.ChainVerifier;
import dev.gitops4j.history.internal.HistoryCodec;
import dev.gitops4j.history.internal.LineFiles;
import dev.gitops4j.jdbc.internal.Transactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History in PostgreSQL: one row per record in {@code gitops_history}, one hash chain per
 * application.
 *
 * <p>Each row holds the record's line in exactly the format of {@link JsonLinesHistoryStore} (same
 * canonical JSON, same {@code prev} and {@code hash}), chained to the previous row of the same
 * application, and its position {@code seq} (1, 2, …). {@code gitops_history_head} holds each
 * application's newest {@code seq} and line hash. An append locks that head row ({@code select …
 * for update}) and inserts the row and moves the head in the same transaction, so replicas that
 * append to one application concurrently are serialised and the chain never forks, while appends of
 * different applications do not wait for each other.
 *
 * <p>{@link #verify()} walks every chain in one consistent snapshot and names the first broken row:
 * a row edited, deleted, inserted, moved to another application or renumbered, the newest rows
 * deleted (the head no longer matches), or a head deleted. It does not stop someone who may rewrite
 * the rows and the heads together; grant the service's role only {@code select, insert} on {@code
 * gitops_history} (see docs/operations.md).
 *
 * <p>With a {@link PostgresLease} as fence, each append first confirms the lease's token inside its
 * own transaction: a deposed holder's append is refused with a {@link
 * dev.gitops4j.engine.FencedException} and writes nothing. Any other {@link Fence} is checked just
 * before the transaction.
 *
 * <p>Durable when {@code append} returns (the transaction committed). Thread-safe.
 */
public final class PostgresHistoryStore implements HistoryStore {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresHistoryStore.class);

  private static final int FETCH_SIZE = 500;

  private final DataSource data;
  private final Fence fence;

  private PostgresHistoryStore(DataSource data, Fence fence) {
    this.data = data;
    this.fence = fence;
  }

  /** A store over {@code data} without fencing; migrates the schema if needed. */
  public static PostgresHistoryStore open(DataSource data) throws IOException {
    return open(data, Fence.NONE);
  }

  /**
   * A store over {@code data} whose appends are refused once {@code fence} says this process lost
   * the right to write; migrates the schema if needed.
   */
  public static PostgresHistoryStore open(DataSource data, Fence fence) throws IOException {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(fence, "fence");
    PostgresSchema.migrate(data);
    return new PostgresHistoryStore(data, fence);
  }

  @Override
  public void append(HistoryRecord record) throws IOException {
    Objects.requireNonNull(record, "record");
    String application = record.application();
    try {
      FencedWrite.run(data, fence, application, c -> appendWithin(c, record, null, 0));
    } catch (SQLException e) {
      throw new IOException(
          "cannot append to the history of " + application + ": " + e.getMessage(), e);
    }
  }

  /** Chains {@code record} after its application's head; the caller's transaction commits. */
  private static long appendWithin(
      Connection c, HistoryRecord record, Long importId, long sourceLine) throws SQLException {
    String application = record.application();
    try (PreparedStatement start =
        c.prepareStatement(
            "insert into gitops_history_head (application, seq, hash) values (?, 0, ?)"
                + " on conflict (application) do nothing")) {
      start.setString(1, application);
      start.setString(2, HistoryCodec.GENESIS);
      start.executeUpdate();
    }
    long seq;
    String prev;
    try (PreparedStatement head =
        c.prepareStatement(
            "select seq, hash from gitops_history_head where application = ? for update")) {
      head.setString(1, application);
      try (ResultSet rows = head.executeQuery()) {
        rows.next();
        seq = rows.getLong(1) + 1;
        prev = rows.getString(2);
      }
    }
    byte[] line = HistoryCodec.encode(record, prev);
    try (PreparedStatement insert =
        c.prepareStatement(
            "insert into gitops_history (application, seq, line, import_id, source_line)"
                + " values (?, ?, ?, ?, ?)")) {
      insert.setString(1, application);
      insert.setLong(2, seq);
      insert.setString(3, new String(line, StandardCharsets.UTF_8));
      if (importId == null) {
        insert.setNull(4, Types.BIGINT);
        insert.setNull(5, Types.BIGINT);
      } else {
        insert.setLong(4, importId);
        insert.setLong(5, sourceLine);
      }
      insert.executeUpdate();
    }
    try (PreparedStatement move =
        c.prepareStatement(
            "update gitops_history_head set seq = ?, hash = ? where application = ?")) {
      move.setLong(1, seq);
      move.setString(2, HistoryCodec.lineHash(line));
      move.setString(3, application);
      move.executeUpdate();
    }
    return seq;
  }

  @Override
  public List<HistoryRecord> list(String application, int limit) throws IOException {
    Objects.requireNonNull(application, "application");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    List<HistoryRecord> out = new ArrayList<>(Math.min(limit, 256));
    if (limit == 0) {
      return out;
    }
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select id, line from gitops_history where application = ?"
                    + " order by seq desc limit ?")) {
      select.setString(1, application);
      select.setInt(2, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          try {
            out.add(HistoryCodec.decode(bytes(rows.getString(2))).record());
          } catch (HistoryCodec.MalformedLineException e) {
            LOG.warn(
                "gitops_history row {}: skipping unreadable record: {}",
                rows.getLong(1),
                e.getMessage());
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException("cannot read the history of " + application + ": " + e.getMessage(), e);
    }
  }

  /**
   * SHA-256 of {@code application}'s newest line, or 64 zeros when it has none: the value its next
   * record's {@code prev} will hold. Publish it outside the database (a log shipped elsewhere, a
   * Git note) to detect later a rewrite of both the rows and the heads, which {@link #verify()}
   * cannot.
   */
  public String head(String application) throws IOException {
    Objects.requireNonNull(application, "application");
    try (Connection c = data.getConnection();
        PreparedStatement select =
            c.prepareStatement("select hash from gitops_history_head where application = ?")) {
      select.setString(1, application);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : HistoryCodec.GENESIS;
      }
    } catch (SQLException e) {
      throw new IOException(
          "cannot read the history head of " + application + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks every application's chain, then every import, in one snapshot, applications in name
   * order. {@code records} counts the rows checked; {@code firstBadLine} is the 1-based position of
   * the first bad row in that order (applications by name, then {@code seq}), and the reason names
   * its application, {@code seq} and row id.
   */
  @Override
  public Verification verify() throws IOException {
    try {
      return Transactions.run(
          data, Connection.TRANSACTION_REPEATABLE_READ, true, PostgresHistoryStore::verifyWithin);
    } catch (SQLException e) {
      throw new IOException("cannot verify the history: " + e.getMessage(), e);
    }
  }

  private static Verification verifyWithin(Connection c) throws SQLException {
    List<String> applications = new ArrayList<>();
    try (PreparedStatement select =
            c.prepareStatement(
                "select application from gitops_history_head"
                    + " union select distinct application from gitops_history order by 1");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        applications.add(rows.getString(1));
      }
    }
    long position = 0;
    for (String application : applications) {
      ChainCheck check = new ChainCheck(application, position);
      try (PreparedStatement select =
          c.prepareStatement(
              "select id, seq, line from gitops_history" + " where application = ? order by seq")) {
        select.setFetchSize(FETCH_SIZE);
        select.setString(1, application);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            if (!check.accept(rows.getLong(1), rows.getLong(2), rows.getString(3))) {
              return check.broken;
            }
          }
        }
      }
      try (PreparedStatement select =
          c.prepareStatement("select seq, hash from gitops_history_head where application = ?")) {
        select.setString(1, application);
        try (ResultSet rows = select.executeQuery()) {
          Verification broken =
              rows.next() ? check.end(rows.getLong(1), rows.getString(2)) : check.end(-1, null);
          if (broken != null) {
            return broken;
          }
        }
      }
      position = check.position;
    }
    Verification imports = verifyImports(c, position);
    return imports != null ? imports : Verification.ok(position);
  }

  /** One application's rows, oldest first. */
  private static final class ChainCheck {
    private final String application;
    private final ChainVerifier verifier = new ChainVerifier();
    private long position;
    private long seq;
    private String lastHash = HistoryCodec.GENESIS;
    private Verification broken;

    ChainCheck(String application, long position) {
      this.application = application;
      this.position = position;
    }

    boolean accept(long id, long rowSeq, String line) {
      position++;
      seq++;
      String where = "application " + application + ", seq " + rowSeq + " (row id " + id + "): ";
      byte[] bytes = bytes(line);
      if (rowSeq != seq) {
        return fail(
            where
                + "expected seq "
                + seq
                + ": rows were deleted or renumbered"
                + (rowSeq > seq ? " before this one" : ""));
      }
      if (!verifier.accept(bytes, true)) {
        return fail(where + verifier.result().reason());
      }
      try {
        String recorded = HistoryCodec.decode(bytes).record().application();
        if (!recorded.equals(application)) {
          return fail(where + "the record is of application " + recorded + ": the row was moved");
        }
      } catch (HistoryCodec.MalformedLineException e) {
        return fail(where + e.getMessage()); // the verifier has already caught this
      }
      lastHash = HistoryCodec.lineHash(bytes);
      return true;
    }

    /** Compares the newest row with the head; null when they match. */
    Verification end(long headSeq, String headHash) {
      String where = "application " + application + ": ";
      if (headHash == null) {
        broken =
            Verification.broken(
                position, Math.max(position, 1), where + "its chain head row was deleted");
      } else if (headSeq != seq || !headHash.equals(lastHash)) {
        broken =
            Verification.broken(
                position,
                position + 1,
                where
                    + "the head says seq "
                    + headSeq
                    + " but the newest row is seq "
                    + seq
                    + (headSeq > seq
                        ? ": the newest records were deleted"
                        : ": the newest row was edited or added by hand"));
      }
      return broken;
    }

    private boolean fail(String reason) {
      broken = Verification.broken(position - 1, position, reason);
      return false;
    }
  }

  /**
   * Rebuilds each imported file's own chain from its rows in file order and compares the result
   * with the file's head recorded at import: proof that the rows are the file, whole and in order.
   */
  private static Verification verifyImports(Connection c, long records) throws SQLException {
    List<long[]> imports = new ArrayList<>();
    List<String> heads = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    try (PreparedStatement select =
            c.prepareStatement(
                "select id, records, file_head, source from gitops_history_import order by id");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        imports.add(new long[] {rows.getLong(1), rows.getLong(2)});
        heads.add(rows.getString(3));
        sources.add(rows.getString(4));
      }
    }
    for (int i = 0; i < imports.size(); i++) {
      long id = imports.get(i)[0];
      long expected = imports.get(i)[1];
      String prev = HistoryCodec.GENESIS;
      long count = 0;
      try (PreparedStatement select =
          c.prepareStatement(
              "select line from gitops_history where import_id = ? order by source_line")) {
        select.setFetchSize(FETCH_SIZE);
        select.setLong(1, id);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            try {
              HistoryRecord record = HistoryCodec.decode(bytes(rows.getString(1))).record();
              prev = HistoryCodec.lineHash(HistoryCodec.encode(record, prev));
            } catch (HistoryCodec.MalformedLineException e) {
              prev = "unreadable"; // the chains were checked first; cannot happen unnoticed
            }
            count++;
          }
        }
      }
      if (count != expected || !prev.equals(heads.get(i))) {
        return Verification.broken(
            records,
            records + 1,
            "import "
                + id
                + " of "
                + sources.get(i)
                + ": its rows no longer rebuild the imported file ("
                + count
                + " of "
                + expected
                + " records, head "
                + (prev.equals(heads.get(i)) ? "matches" : "differs")
                + "): imported rows were moved, renumbered or their import marks edited");
      }
    }
    return null;
  }

  /**
   * Copies a {@link JsonLinesHistoryStore} file into this store, oldest first, in one transaction.
   *
   * <p>The file's chain is verified first; a broken file is refused (the message names its first
   * bad line) and nothing is imported. Each record is appended to its application's chain here,
   * after what the store already holds. The file's head (the hash of its last line) and its record
   * count are kept in {@code gitops_history_import}, and {@link #verify()} rebuilds the file's own
   * chain from the imported rows and compares it with that head, so the verified chain of the file
   * carries over. Importing the same file twice is refused.
   *
   * @return the number of records imported
   */
  public long importJsonLines(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Verification verdict = JsonLinesHistoryStore.verify(file);
    if (!verdict.intact()) {
      throw new IOException(
          file + ":" + verdict.firstBadLine() + ": " + verdict.reason() + "; nothing imported");
    }
    if (verdict.records() == 0) {
      return 0;
    }
    String[] fileHead = {HistoryCodec.GENESIS};
    LineFiles.forward(
        file,
        Long.MAX_VALUE,
        (line, terminated) -> {
          fileHead[0] = HistoryCodec.lineHash(line);
          return true;
        });
    try {
      return Transactions.write(data, c -> importWithin(c, file, verdict.records(), fileHead[0]));
    } catch (SQLException e) {
      throw new IOException(
          "cannot import " + file + " into the history: " + e.getMessage() + "; nothing imported",
          e);
    } catch (ImportFailure e) {
      throw new IOException(file + ": " + e.getMessage() + "; nothing imported", e.getCause());
    }
  }

  private static long importWithin(Connection c, Path file, long records, String fileHead)
      throws SQLException {
    long importId;
    try (PreparedStatement insert =
        c.prepareStatement(
            "insert into gitops_history_import (source, records, file_head) values (?, ?, ?)"
                + " on conflict (file_head) do nothing returning id")) {
      insert.setString(1, file.toAbsolutePath().toString());
      insert.setLong(2, records);
      insert.setString(3, fileHead);
      try (ResultSet rows = insert.executeQuery()) {
        if (!rows.next()) {
          throw new ImportFailure("a file with this head (" + fileHead + ") was already imported");
        }
        importId = rows.getLong(1);
      }
    }
    long[] lineNo = {0};
    try {
      LineFiles.forward(
          file,
          Long.MAX_VALUE,
          (line, terminated) -> {
            lineNo[0]++;
            try {
              appendWithin(c, HistoryCodec.decode(line).record(), importId, lineNo[0]);
            } catch (HistoryCodec.MalformedLineException | SQLException e) {
              throw new ImportFailure("line " + lineNo[0] + ": " + e.getMessage(), e);
            }
            return true;
          });
    } catch (IOException e) {
      throw new ImportFailure("cannot read the file: " + e.getMessage(), e);
    }
    if (lineNo[0] != records) {
      throw new ImportFailure(
          "the file changed while it was imported ("
              + lineNo[0]
              + " lines, "
              + records
              + " verified)");
    }
    LOG.info("imported {} history records from {} (file head {})", records, file, fileHead);
    return records;
  }

  /** Aborts an import's transaction with a message for the caller. */
  private static final class ImportFailure extends RuntimeException {
    ImportFailure(String message) {
      super(message);
    }

    ImportFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static byte[] bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "PostgresHistoryStore[" + data + "]";
  }
}
