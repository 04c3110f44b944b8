package dev.gitops4j.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gitops4j.web.WebResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The event hub: bounded subscribers, frames to each, failing subscribers dropped. */
class EventHubTest {

  private static class Sink implements WebResponse.EventSink {
    final List<String> frames = new CopyOnWriteArrayList<>();
    final CountDownLatch events = new CountDownLatch(1);
    volatile boolean closed;
    volatile boolean failing;

    @Override
    public void send(String frame) throws IOException {
      if (failing) {
        throw new IOException("client went away");
      }
      frames.add(frame);
      if (frame.contains("event: pass")) {
        events.countDown();
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void refusesSubscribersBeyondTheBoundAndDropsOnesThatFail() throws Exception {
    try (EventHub hub = new EventHub(2)) {
      Sink first = new Sink();
      Sink second = new Sink();
      Sink third = new Sink();
      hub.subscribe(first);
      hub.subscribe(second);
      hub.subscribe(third);

      assertThat(hub.subscribers()).isEqualTo(2);
      assertThat(third.closed).isTrue();
      assertThat(third.frames).singleElement().asString().contains("too many event streams");

      second.failing = true;
      hub.publish("pass", JsonNodeFactory.instance.objectNode().put("application", "shop"));

      assertThat(first.events.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(first.frames.get(1))
          .isEqualTo("id: 1\nevent: pass\ndata: {\"application\":\"shop\"}\n\n");
      for (int i = 0; i < 100 && hub.subscribers() > 1; i++) {
        Thread.sleep(50);
      }
      assertThat(hub.subscribers()).isEqualTo(1);
      assertThat(second.closed).isTrue();
    }
  }

  @Test
  @Timeout(10)
  void publishingWithManyQueuedEventsNeverBlocks() {
    try (EventHub hub = new EventHub(1)) {
      Sink slow =
          new Sink() {
            @Override
            public void send(String frame) throws IOException {
              try {
                Thread.sleep(1000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          };
      hub.subscribe(slow);
      for (int i = 0; i < 5000; i++) {
        hub.publish("pass", JsonNodeFactory.instance.objectNode().put("n", i));
      }
      assertThat(hub.subscribers()).isEqualTo(1);
    }
  }
}
