package dev.gitops4j.history;

import dev.gitops4j.history.HistoryRecord.ChangeOutcome;
import dev.gitops4j.model.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Test records. */
final class Records {

  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

  private Records() {}

  /** The {@code n}-th record of {@code app}: every field depends on {@code n}. */
  static HistoryRecord record(String app, int n) {
    return new HistoryRecord(
        T0.plusSeconds(n),
        app,
        Trigger.values()[n % Trigger.values().length],
        "rev" + n,
        "Ada <ada@example.org>",
        "Bob <bob@example.org>",
        "NOT_CHECKED",
        n % 3 == 0 ? "FAILED" : "SYNCED",
        n + " to create, 0 to update, 0 to delete",
        List.of(new ChangeOutcome("ConfigMap/apps/c" + n, "create", "APPLIED", "")),
        "--- a\n+++ b\n+line " + n + "\n",
        Duration.ofMillis(100L + n),
        n % 3 == 0 ? "boom " + n : "");
  }
}
