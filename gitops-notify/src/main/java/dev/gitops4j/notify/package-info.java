/**
 * Notifications about reconcile passes, delivered off the pass thread.
 *
 * <p>{@link dev.gitops4j.notify.Notifications} is a {@link dev.gitops4j.engine.ReconcileListener}:
 * it turns pass events into {@link dev.gitops4j.notify.Notification}s ({@link
 * dev.gitops4j.notify.Event}), drops repeats, and hands them to each {@link
 * dev.gitops4j.notify.Notifier} whose {@link dev.gitops4j.notify.Subscription} matches, through a
 * bounded queue with retries. Built in: {@link dev.gitops4j.notify.WebhookNotifier} (JSON,
 * HMAC-SHA256 signed), {@link dev.gitops4j.notify.SlackNotifier} and {@link
 * dev.gitops4j.notify.CommitStatusNotifier} (Gitea, Forgejo, GitHub). Tokens come from a {@link
 * dev.gitops4j.notify.Secret}.
 */
package dev.gitops4j.notify;
