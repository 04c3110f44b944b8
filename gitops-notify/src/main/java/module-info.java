/**
 * gitops4j notifications: pass events turned into notifications and delivered off the pass thread
 * to webhooks, Slack-compatible chats and commit statuses.
 */
module dev.gitops4j.notify {
  requires transitive dev.gitops4j.core;
  requires java.net.http;
  requires org.slf4j;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires io.github.resilience4j.ratelimiter;

  exports dev.gitops4j.notify;
}
