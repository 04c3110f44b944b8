package dev.gitops4j.web.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.web.WebResponse.EventSink;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to open event streams. Publishers only offer to a bounded queue; one daemon
 * thread writes to the subscribers, sends a keep-alive comment when idle (which also finds clients
 * that went away) and drops a subscriber whose write fails.
 */
public final class EventHub implements AutoCloseable {

  public static final int DEFAULT_MAX_SUBSCRIBERS = 64;
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final long KEEP_ALIVE_SECONDS = 15;

  private final int maxSubscribers;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(1024);
  private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private Thread writer;
  private boolean closed;

  public EventHub(int maxSubscribers) {
    this.maxSubscribers = maxSubscribers;
  }

  /** Queues one event for every subscriber; drops the oldest queued event when full. */
  public void publish(String type, ObjectNode data) {
    if (sinks.isEmpty()) {
      return;
    }
    String frame = "id: " + ids.incrementAndGet() + "\nevent: " + type + "\ndata: " + data + "\n\n";
    while (!queue.offer(frame)) {
      queue.poll();
    }
  }

  /**
   * Adds a subscriber, or closes it at once (after telling the browser to retry later) when the hub
   * is full or closed.
   */
  public synchronized void subscribe(EventSink sink) {
    if (closed || sinks.size() >= maxSubscribers) {
      try {
        sink.send("retry: 30000\n: too many event streams\n\n");
      } catch (IOException e) {
        // Gone already.
      }
      sink.close();
      return;
    }
    try {
      sink.send("retry: 3000\n: connected\n\n");
    } catch (IOException e) {
      sink.close();
      return;
    }
    sinks.add(sink);
    if (writer == null) {
      writer = new Thread(this::run, "gitops4j-dashboard-events");
      writer.setDaemon(true);
      writer.start();
    }
  }

  public int subscribers() {
    return sinks.size();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      String frame;
      try {
        frame = queue.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      broadcast(frame == null ? ": keep-alive\n\n" : frame);
    }
  }

  private void broadcast(String frame) {
    for (EventSink sink : sinks) {
      try {
        sink.send(frame);
      } catch (IOException | RuntimeException e) {
        LOG.debug("event stream closed: {}", e.toString());
        sinks.remove(sink);
        sink.close();
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (writer != null) {
      writer.interrupt();
    }
    for (EventSink sink : sinks) {
      sink.close();
    }
    sinks.clear();
  }
}
