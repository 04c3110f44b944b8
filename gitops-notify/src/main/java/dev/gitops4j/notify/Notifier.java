package dev.gitops4j.notify;

/**
 * Delivers notifications somewhere: a webhook, a chat, a commit status. Called from the delivery
 * thread of this notifier, one notification at a time, never from a pass thread.
 *
 * <p>Throw to report a failed delivery: {@link Notifications} retries it with backoff. Throw {@link
 * NotifierException} with {@code retryable = false} for failures a retry cannot fix (a rejected
 * request).
 */
@FunctionalInterface
public interface Notifier {

  void send(Notification notification) throws Exception;

  /** Name for logs and statistics. */
  default String name() {
    return getClass().getSimpleName();
  }
}
