package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One application as the actuator shows it.
 *
 * @param name application name
 * @param status the latest pass's status, or {@code NOT_RUN}
 * @param health the latest assessed health, or {@code UNKNOWN}
 * @param revision the revision of the latest pass
 * @param pinnedRevision the pinned revision, if any
 * @param suspended whether passes are suspended
 * @param lastPass the latest pass, absent before the first
 */
public record ApplicationStatus(
    String name,
    String status,
    String health,
    String revision,
    String pinnedRevision,
    boolean suspended,
    LastPass lastPass) {

  /**
   * @param trigger what started it
   * @param status its outcome
   * @param started when it started
   * @param durationMillis how long it took
   * @param writes objects written
   * @param error the error, empty when none
   */
  public record LastPass(
      String trigger,
      String status,
      Instant started,
      long durationMillis,
      long writes,
      String error) {}

  static ApplicationStatus of(Engine engine, String name) {
    Optional<PassResult> last = engine.lastResult(name);
    return new ApplicationStatus(
        name,
        last.map(r -> r.status().name()).orElse("NOT_RUN"),
        last.map(r -> r.health() == null ? "UNKNOWN" : r.health().status().name())
            .orElse("UNKNOWN"),
        last.map(PassResult::revision).orElse(""),
        engine.pinnedRevision(name).orElse(null),
        engine.suspended(name),
        last.map(
                r ->
                    new LastPass(
                        r.trigger().name(),
                        r.status().name(),
                        r.started(),
                        Optional.ofNullable(r.duration()).orElse(Duration.ZERO).toMillis(),
                        r.writes(),
                        r.error()))
            .orElse(null));
  }
}
