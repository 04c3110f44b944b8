package dev.gitops4j.k8s.fleet.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most {@code max} requests of one cluster waiting for their response at once; the others queue,
 * in order, without blocking the threads that send them. A request counts from when it is sent
 * until its response (or failure) arrives; a streamed body read afterwards does not hold a slot,
 * and watches (web sockets) are not counted.
 */
public final class RequestLimiter {

  private final int max;
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private int inFlight;
  private int peak;

  public RequestLimiter(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one request must be allowed at a time");
    }
    this.max = max;
  }

  /** Sends {@code request} when a slot is free; the result completes as the request's does. */
  public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start =
        () -> {
          if (result.isDone()) {
            release(); // cancelled while it queued
            return;
          }
          CompletableFuture<T> sent;
          try {
            sent = request.get();
          } catch (RuntimeException | Error e) {
            release();
            result.completeExceptionally(e);
            return;
          }
          result.whenComplete(
              (value, error) -> {
                if (result.isCancelled()) {
                  sent.cancel(true);
                }
              });
          sent.whenComplete(
              (value, error) -> {
                release();
                if (error != null) {
                  result.completeExceptionally(error);
                } else {
                  result.complete(value);
                }
              });
        };
    boolean now;
    synchronized (this) {
      now = inFlight < max;
      if (now) {
        inFlight++;
        peak = Math.max(peak, inFlight);
      } else {
        queued.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return result;
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = queued.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** The most requests allowed at once. */
  public int max() {
    return max;
  }

  /** Requests waiting for a response now. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Requests waiting for a slot now. */
  public synchronized int queued() {
    return queued.size();
  }

  /** The most requests that were ever in flight at once. */
  public synchronized int peak() {
    return peak;
  }
}
