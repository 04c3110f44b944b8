package dev.gitops4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SyncWindowTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aWindowIsOpenFromItsStartForItsDurationInItsZone() {
    // Fridays 22:00 Berlin for 60 h: to Monday 10:00 (winter: UTC+1).
    SyncWindow weekend = SyncWindow.deny("0 22 * * 5", Duration.ofHours(60), BERLIN);
    assertThat(weekend.isOpen(Instant.parse("2030-01-04T20:59:59Z"))).isFalse();
    assertThat(weekend.openUntil(Instant.parse("2030-01-04T21:00:00Z")))
        .contains(Instant.parse("2030-01-07T09:00:00Z"));
    assertThat(weekend.isOpen(Instant.parse("2030-01-06T12:00:00Z"))).isTrue();
    assertThat(weekend.isOpen(Instant.parse("2030-01-07T08:59:59Z"))).isTrue();
    assertThat(weekend.isOpen(Instant.parse("2030-01-07T09:00:00Z"))).isFalse();
  }

  @Test
  void theZoneDecidesAcrossADaylightSavingChange() {
    // 09:00 Berlin is 08:00 UTC in winter and 07:00 UTC in summer (from 2030-03-31).
    SyncWindow morning = SyncWindow.allow("0 9 * * *", Duration.ofMinutes(30), BERLIN);
    assertThat(morning.isOpen(Instant.parse("2030-03-30T08:10:00Z"))).isTrue();
    assertThat(morning.isOpen(Instant.parse("2030-04-01T08:10:00Z"))).isFalse();
    assertThat(morning.isOpen(Instant.parse("2030-04-01T07:10:00Z"))).isTrue();
  }

  @Test
  void badSchedulesAndDurationsAreRefusedWithTheScheduleNamed() {
    assertThatThrownBy(() -> SyncWindow.deny("0 25 * * *", Duration.ofHours(1), BERLIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sync window '0 25 * * *' is not a cron schedule of five fields");
    assertThatThrownBy(() -> SyncWindow.deny("0 1 * *", Duration.ofHours(1), BERLIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0 1 * *'");
    assertThatThrownBy(() -> SyncWindow.allow("0 1 * * *", Duration.ZERO, BERLIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sync window '0 1 * * *': duration must be positive, got PT0S");
  }

  @Test
  void manualSyncIsAnOptInCopy() {
    SyncWindow strict = SyncWindow.deny("0 1 * * *", Duration.ofHours(1), BERLIN);
    assertThat(strict.manualSync()).isFalse();
    assertThat(strict.allowManualSync().manualSync()).isTrue();
    assertThat(strict.allowManualSync().kind()).isEqualTo(SyncWindow.Kind.DENY);
  }
}
