/**
 * Receiving push notifications from Git hosts, without tying gitops4j to an HTTP framework.
 *
 * <p>Build one {@link dev.gitops4j.webhook.WebhookReceiver} with the secrets of the hosts you
 * accept ({@code github}, {@code gitlab}, generic {@code hmac}), wrap each HTTP request in a {@link
 * dev.gitops4j.webhook.WebhookRequest} with its raw body, and answer with the status of the
 * returned {@link dev.gitops4j.webhook.WebhookDecision}. An accepted decision carries a {@link
 * dev.gitops4j.webhook.PushEvent}: provider, repository URLs, ref, new commit id and delivery id;
 * {@link dev.gitops4j.webhook.PushEvent#matches(String)} tells whether it concerns a repository URL
 * written in any of the usual forms (HTTPS, SSH, with or without {@code .git}).
 *
 * <p>Security: signatures and tokens are checked in constant time over the raw body before it is
 * parsed; requests without a valid signature are always rejected; decision messages and {@code
 * toString()} never contain secrets, tokens or signatures. Deciding which applications a push
 * concerns and coalescing bursts of pushes is the engine's job.
 */
package dev.gitops4j.webhook;
