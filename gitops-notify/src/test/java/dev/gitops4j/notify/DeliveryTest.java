package dev.gitops4j.notify;

import static dev.gitops4j.notify.Fixtures.configMap;
import static dev.gitops4j.notify.Fixtures.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InMemoryTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Filters, de-duplication, rate limit, retries and the bounded queue. */
class DeliveryTest {

  private static Notifications.Stats stats(Notifications n, int index) {
    return n.stats().get(index);
  }

  @Test
  void subscriptionsFilterByEventAndApplicationGlob() throws Exception {
    Recorder failures = new Recorder();
    Recorder shops = new Recorder();
    try (Notifications n =
        Notifications.builder()
            .notifier(failures, Subscription.custom().events(Event.SYNC_FAILED).build())
            .notifier(shops, Subscription.custom().applications("shop-*", "bil?ing").build())
            .build()) {
      n.dispatch(notification(Event.SYNC_FAILED, "shop-eu", "r1", "boom"));
      n.dispatch(notification(Event.SYNC_SUCCEEDED, "shop-us", "r1", ""));
      n.dispatch(notification(Event.SYNC_FAILED, "billing", "r1", "boom"));
      n.dispatch(notification(Event.SYNC_SUCCEEDED, "shop", "r1", ""));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(failures.received)
        .extracting(Notification::application)
        .containsExactly("shop-eu", "billing");
    assertThat(shops.received)
        .extracting(Notification::application)
        .containsExactly("shop-eu", "shop-us", "billing");
  }

  @Test
  void aRepeatIsDroppedUntilItChangesOrRecovers() throws Exception {
    Recorder recorder = new Recorder();
    try (Notifications n = Notifications.builder().notifier(recorder).build()) {
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "r1", "boom"));
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "r1", "boom"));
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "r1", "other error"));
      n.dispatch(notification(Event.SYNC_FAILED, "other-app", "r1", "other error"));
      n.dispatch(notification(Event.SYNC_SUCCEEDED, "shop", "r2", ""));
      n.dispatch(notification(Event.SYNC_SUCCEEDED, "shop", "r2", ""));
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "r1", "other error"));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(n.duplicates()).isEqualTo(2);
    }
    assertThat(recorder.received)
        .extracting(x -> x.application() + " " + x.event() + " " + x.error())
        .containsExactly(
            "shop SYNC_FAILED boom",
            "shop SYNC_FAILED other error",
            "other-app SYNC_FAILED other error",
            "shop SYNC_SUCCEEDED ",
            "shop SYNC_FAILED other error");
  }

  @Test
  void theRateLimitDropsAndCountsTheExcess() throws Exception {
    Recorder recorder = new Recorder();
    try (Notifications n =
        Notifications.builder()
            .notifier(recorder, Subscription.custom().rateLimit(2, Duration.ofHours(1)).build())
            .build()) {
      for (int i = 0; i < 5; i++) {
        n.dispatch(notification(Event.SYNC_SUCCEEDED, "shop", "r" + i, ""));
      }
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(stats(n, 0).rateLimited()).isEqualTo(3);
      assertThat(stats(n, 0).delivered()).isEqualTo(2);
    }
    assertThat(recorder.received).extracting(Notification::revision).containsExactly("r0", "r1");
  }

  @Test
  void aFailingDeliveryIsRetriedWithBackoffAndANonRetryableOneIsNot() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Notifier flaky =
        n -> {
          if (n.application().equals("rejected")) {
            attempts.incrementAndGet();
            throw new NotifierException("400 bad request", false);
          }
          if (attempts.incrementAndGet() < 3) {
            throw new java.io.IOException("connection refused");
          }
        };
    try (Notifications n =
        Notifications.builder()
            .notifier(flaky)
            .retry(4, Duration.ofMillis(5), Duration.ofMillis(20))
            .build()) {
      n.dispatch(notification(Event.SYNC_FAILED, "shop", "r1", "boom"));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(attempts).hasValue(3);
      assertThat(stats(n, 0).delivered()).isEqualTo(1);
      n.dispatch(notification(Event.SYNC_FAILED, "rejected", "r1", "boom"));
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(attempts).hasValue(4);
      assertThat(stats(n, 0).failed()).isEqualTo(1);
    }
  }

  @Test
  void aBlockedReceiverNeitherBlocksNorFailsPassesAndItsQueueIsBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Recorder after = new Recorder();
    Notifier blocked =
        n -> {
          entered.countDown();
          release.await();
          after.send(n);
        };
    Recorder other = new Recorder();
    InMemorySource source = InMemorySource.create();
    try (Notifications n =
            Notifications.builder().notifier(blocked).notifier(other).queueCapacity(2).build();
        Engine engine =
            Fixtures.engine(source, InMemoryTarget.create(), SyncPolicy.automatic(), n)) {
      for (int i = 0; i < 5; i++) {
        source.commit(Map.of("a.yaml", configMap("a", Integer.toString(i))));
        assertThat(engine.trigger("shop").get(30, TimeUnit.SECONDS).status())
            .isEqualTo(PassStatus.SYNCED);
        if (i == 0) {
          assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        }
        // The other notifier keeps up while the first one is stuck.
        awaitSize(other, 2 * (i + 1));
      }
      // Ten notifications (started and succeeded per pass): one in the receiver, two queued.
      assertThat(release.getCount()).isEqualTo(1);
      Notifications.Stats stats = stats(n, 0);
      assertThat(stats.delivered()).isZero();
      assertThat(stats.dropped()).isEqualTo(7);
      assertThat(stats.queued()).isEqualTo(3);
      // The other notifier got everything.
      assertThat(n.awaitIdle(Duration.ofMillis(1))).isFalse();
      release.countDown();
      assertThat(n.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(stats(n, 0).delivered()).isEqualTo(3);
      assertThat(other.received).hasSize(10);
    }
    assertThat(after.received).hasSize(3);
  }

  private static void awaitSize(Recorder recorder, int size) throws InterruptedException {
    for (int i = 0; i < 500 && recorder.received.size() < size; i++) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(recorder.received).hasSize(size);
  }

  @Test
  void badConfigurationIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> Notifications.builder().queueCapacity(0))
        .hasMessageContaining("queue capacity");
    assertThatThrownBy(() -> Notifications.builder().build()).hasMessageContaining("no notifier");
    assertThatThrownBy(() -> Subscription.custom().rateLimit(0, Duration.ofMinutes(1)).build())
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> Subscription.custom().applications(" ").build())
        .hasMessageContaining("pattern");
    assertThatThrownBy(
            () -> Notifications.builder().retry(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("backoff");
    assertThat(List.of(Subscription.ofDefaults().events().size())).containsExactly(7);
  }
}
