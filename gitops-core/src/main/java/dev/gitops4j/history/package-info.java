/**
 * Audit trail of reconcile passes.
 *
 * <p>A {@link dev.gitops4j.history.HistoryRecord} describes one pass: trigger, revision, commit
 * author and signature, outcome, per-resource changes, redacted diff and duration. A {@link
 * dev.gitops4j.history.HistoryStore} appends records and chains them by SHA-256 so that {@link
 * dev.gitops4j.history.HistoryStore#verify()} detects edited, removed or reordered records.
 *
 * <p>Stores shipped here:
 *
 * <ul>
 *   <li>{@link dev.gitops4j.history.JsonLinesHistoryStore} — an append-only JSON Lines file, safe
 *       for concurrent appends from threads and processes, streaming reads;
 *   <li>{@link dev.gitops4j.history.InMemoryHistoryStore} — the same chain in memory, for tests.
 * </ul>
 *
 * <p>The chain detects tampering inside the trail; it does not stop someone with write access from
 * rewriting the whole file with fresh hashes. Anchor {@code head()} outside the file when that
 * matters.
 */
package dev.gitops4j.history;
