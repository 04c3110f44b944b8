package dev.gitops4j.notify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A notifier that keeps what it receives. */
final class Recorder implements Notifier {

  final List<Notification> received = new CopyOnWriteArrayList<>();

  @Override
  public void send(Notification notification) {
    received.add(notification);
  }

  List<Event> events() {
    return received.stream().map(Notification::event).toList();
  }

  @Override
  public String name() {
    return "recorder";
  }
}
