package dev.gitops4j.notify.internal;

import dev.gitops4j.notify.Event;
import dev.gitops4j.notify.Notification;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Lets a notification through unless the same application already got the same event with the same
 * fingerprint, and nothing since cleared it ({@link Event}'s resets: a success clears the failure,
 * a recovery the degradation). A failure retried on every pass is reported once until it changes or
 * recovers.
 */
public final class Deduplicator {

  private static final String NOT_RETRIED = " (not retried until the revision changes)";

  private final Map<String, Map<Event, String>> sent = new HashMap<>();

  /** True when {@code n} is new; remembers it. */
  public synchronized boolean admit(Notification n) {
    Map<Event, String> last =
        sent.computeIfAbsent(n.application(), a -> new EnumMap<>(Event.class));
    String fingerprint = fingerprint(n);
    if (fingerprint.equals(last.get(n.event()))) {
      return false;
    }
    last.put(n.event(), fingerprint);
    for (Event cleared : resets(n.event())) {
      last.remove(cleared);
    }
    return true;
  }

  /** Forgets an application (unregistered). */
  public synchronized void forget(String application) {
    sent.remove(application);
  }

  private static Set<Event> resets(Event event) {
    return switch (event) {
      case SYNC_STARTED, SYNC_FAILED, DRIFT_FOUND -> Set.of(Event.SYNC_SUCCEEDED);
      case SYNC_SUCCEEDED -> Set.of(Event.SYNC_STARTED, Event.SYNC_FAILED, Event.DRIFT_FOUND);
      case HEALTH_DEGRADED -> Set.of(Event.HEALTH_RECOVERED);
      case HEALTH_RECOVERED -> Set.of(Event.HEALTH_DEGRADED);
      case APPROVAL_NEEDED -> Set.of();
    };
  }

  /** What makes two notifications of one event the same news. */
  static String fingerprint(Notification n) {
    return switch (n.event()) {
      case SYNC_STARTED, DRIFT_FOUND ->
          n.revision() + "|" + (n.drift() == null ? "" : n.drift().resources());
      case SYNC_SUCCEEDED -> n.revision();
      // The engine marks the repeat of a permanent failure; it is the same news.
      case SYNC_FAILED -> n.revision() + "|" + n.error().replace(NOT_RETRIED, "");
      case HEALTH_DEGRADED, HEALTH_RECOVERED ->
          n.health() == null ? "" : n.health().status() + "|" + n.health().message();
      case APPROVAL_NEEDED -> n.planId();
    };
  }
}
