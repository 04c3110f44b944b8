package dev.gitops4j.k8s.fleet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RequestLimiterTest {

  private final RequestLimiter limiter = new RequestLimiter(2);
  private final List<CompletableFuture<String>> sent = new ArrayList<>();

  private CompletableFuture<String> submit() {
    return limiter.submit(
        () -> {
          CompletableFuture<String> response = new CompletableFuture<>();
          sent.add(response);
          return response;
        });
  }

  @Test
  void requestsBeyondTheBoundWaitForASlotInOrder() throws Exception {
    CompletableFuture<String> first = submit();
    CompletableFuture<String> second = submit();
    CompletableFuture<String> third = submit();
    CompletableFuture<String> fourth = submit();
    assertThat(sent).hasSize(2);
    assertThat(limiter.inFlight()).isEqualTo(2);
    assertThat(limiter.queued()).isEqualTo(2);

    sent.get(0).complete("one");
    assertThat(first.get()).isEqualTo("one");
    assertThat(sent).hasSize(3);

    sent.get(1).completeExceptionally(new IllegalStateException("refused"));
    assertThat(second).isCompletedExceptionally();
    assertThat(sent).hasSize(4);
    assertThat(limiter.queued()).isZero();

    sent.get(2).complete("three");
    sent.get(3).complete("four");
    assertThat(third.get()).isEqualTo("three");
    assertThat(fourth.get()).isEqualTo("four");
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.peak()).isEqualTo(2);
  }

  @Test
  void aRequestCancelledWhileItWaitsIsNeverSent() {
    submit();
    submit();
    CompletableFuture<String> waiting = submit();
    waiting.cancel(true);
    sent.get(0).complete("done");
    assertThat(sent).hasSize(2);
    assertThat(limiter.inFlight()).isEqualTo(1);
  }

  @Test
  void aRequestThatCannotBeSentFreesItsSlot() {
    CompletableFuture<String> broken =
        limiter.submit(
            () -> {
              throw new IllegalArgumentException("bad request");
            });
    assertThat(broken)
        .failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("bad request");
    assertThat(limiter.inFlight()).isZero();
  }
}
