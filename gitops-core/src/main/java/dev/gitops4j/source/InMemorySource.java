package dev.gitops4j.source;

import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.internal.ContentHash;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A source held in memory, for tests: each {@link #commit(Map)} creates a new revision, which
 * {@link #resolve()} then returns. Earlier revisions stay readable. {@link #failWith} makes the
 * source fail until {@link #recover()}, to test how callers handle a broken source.
 *
 * <p>Thread-safe.
 */
public final class InMemorySource implements Source {

  private final String name;
  private final Clock clock;
  private final Map<String, Snapshot> revisions = new LinkedHashMap<>();
  private String head;
  private long sequence;
  private SourceException failure;

  private InMemorySource(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  /** An empty source; {@link #resolve()} fails with NOT_FOUND until the first commit. */
  public static InMemorySource create() {
    return create("in-memory", Clock.systemUTC());
  }

  /** An empty source with a name for {@link #describe()} and a clock for commit times. */
  public static InMemorySource create(String name, Clock clock) {
    return new InMemorySource(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(clock, "clock"));
  }

  /** Commits {@code files} (path to UTF-8 content) as the new head; returns its revision. */
  public String commit(Map<String, String> files) {
    return commit(files, "commit");
  }

  /** Commits with a message; returns the new revision. */
  public synchronized String commit(Map<String, String> files, String message) {
    Objects.requireNonNull(files, "files");
    List<SourceFile> content = new ArrayList<>();
    files.forEach((path, text) -> content.add(SourceFile.of(path, text)));
    sequence++;
    // Include the sequence so committing the same files again still yields a new revision.
    List<SourceFile> hashed = new ArrayList<>(content);
    hashed.add(SourceFile.of("\0sequence", Long.toString(sequence)));
    String revision = ContentHash.of(hashed).substring(0, 40);
    Instant now = clock.instant();
    Person person = new Person("gitops4j", "gitops4j@localhost", now);
    CommitInfo info = new CommitInfo(revision, person, person, message, null);
    revisions.put(revision, new Snapshot(revision, info, content));
    head = revision;
    return revision;
  }

  /** Makes {@link #resolve()} and {@link #read(String)} throw {@code failure} until recovered. */
  public synchronized void failWith(SourceException failure) {
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Ends {@link #failWith}. */
  public synchronized void recover() {
    this.failure = null;
  }

  @Override
  public synchronized String resolve() throws SourceException {
    if (failure != null) {
      throw failure;
    }
    if (head == null) {
      throw new SourceException(Reason.NOT_FOUND, describe() + " has no commit yet");
    }
    return head;
  }

  @Override
  public synchronized Snapshot read(String revision) throws SourceException {
    if (failure != null) {
      throw failure;
    }
    Snapshot snapshot = revisions.get(revision);
    if (snapshot == null) {
      throw new SourceException(
          Reason.NOT_FOUND, "revision " + revision + " not found in " + describe());
    }
    return snapshot;
  }

  @Override
  public String describe() {
    return "memory " + name;
  }

  @Override
  public String toString() {
    return describe();
  }
}
