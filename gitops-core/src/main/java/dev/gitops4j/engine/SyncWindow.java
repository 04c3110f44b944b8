package dev.gitops4j.engine;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * When an application may write: a window opens at each time its cron schedule (five Unix fields,
 * in its time zone) names and stays open for its duration. While any <em>deny</em> window is open,
 * passes write nothing; when an application has <em>allow</em> windows, passes write only while one
 * is open. Deny wins. A pass kept from writing still observes and reports drift ({@code
 * OUT_OF_SYNC}, with the window in the error).
 *
 * <pre>{@code
 * SyncWindow freeze = SyncWindow.deny("0 22 * * 5", Duration.ofHours(60), ZoneId.of("Europe/Berlin"))
 *     .allowManualSync();                          // Friday 22:00 to Monday 10:00
 * Application.builder("shop").syncWindow(freeze)...
 * }</pre>
 */
public final class SyncWindow {

  /** Whether an open window lets passes write or keeps them from writing. */
  public enum Kind {
    ALLOW,
    DENY
  }

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final Kind kind;
  private final String schedule;
  private final Duration duration;
  private final ZoneId zone;
  private final boolean manualSync;
  private final ExecutionTime starts;

  private SyncWindow(
      Kind kind, String schedule, Duration duration, ZoneId zone, boolean manualSync) {
    this.kind = kind;
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.duration = Objects.requireNonNull(duration, "duration");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.manualSync = manualSync;
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          "sync window '" + schedule + "': duration must be positive, got " + duration);
    }
    try {
      this.starts = ExecutionTime.forCron(UNIX.parse(schedule).validate());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "sync window '"
              + schedule
              + "' is not a cron schedule of five fields (minute hour day month weekday): "
              + e.getMessage(),
          e);
    }
  }

  /** A window in which passes may write; outside every allow window they may not. */
  public static SyncWindow allow(String schedule, Duration duration, ZoneId zone) {
    return new SyncWindow(Kind.ALLOW, schedule, duration, zone, false);
  }

  /** A window in which passes write nothing. */
  public static SyncWindow deny(String schedule, Duration duration, ZoneId zone) {
    return new SyncWindow(Kind.DENY, schedule, duration, zone, false);
  }

  /**
   * The same window, except that explicit requests ({@code Engine.trigger}, {@code approve}, {@code
   * rollback}) may still write while it blocks.
   */
  public SyncWindow allowManualSync() {
    return new SyncWindow(kind, schedule, duration, zone, true);
  }

  public Kind kind() {
    return kind;
  }

  public boolean manualSync() {
    return manualSync;
  }

  /** When the occurrence open at {@code now} closes; empty when the window is closed. */
  public Optional<Instant> openUntil(Instant now) {
    ZonedDateTime at = now.atZone(zone);
    ZonedDateTime minute = at.truncatedTo(ChronoUnit.MINUTES);
    Optional<ZonedDateTime> start =
        starts.isMatch(minute) ? Optional.of(minute) : starts.lastExecution(at);
    return start.map(s -> s.plus(duration).toInstant()).filter(end -> now.isBefore(end));
  }

  /** Whether the window is open at {@code now}. */
  public boolean isOpen(Instant now) {
    return openUntil(now).isPresent();
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + " window '"
        + schedule
        + "' for "
        + duration
        + " ("
        + zone
        + ")";
  }
}
