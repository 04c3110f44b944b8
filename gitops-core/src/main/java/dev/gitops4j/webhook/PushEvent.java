package dev.gitops4j.webhook;

import dev.gitops4j.source.RepositoryUrl;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated push reported by a Git host.
 *
 * @param provider payload format the push came in
 * @param repositoryUrls every URL the payload names for the repository (web, HTTPS clone, SSH,
 *     git), as sent; compare with {@link #matches(String)}
 * @param ref full ref pushed, e.g. {@code refs/heads/main} or {@code refs/tags/v1.2.0}
 * @param after commit id the ref points at after the push (all zeros when the ref was deleted), or
 *     empty when the payload does not say
 * @param deliveryId the sender's delivery id, or empty when it sent none
 * @param receivedAt when the receiver accepted the push, by its clock
 */
public record PushEvent(
    Provider provider,
    Set<String> repositoryUrls,
    String ref,
    String after,
    String deliveryId,
    Instant receivedAt) {

  /** Webhook payload formats understood. */
  public enum Provider {
    /** GitHub, and hosts that send GitHub-style payloads (Gitea, Forgejo). */
    GITHUB,
    /** GitLab project or system hooks. */
    GITLAB,
    /** {@code {"repository": "<url>", "ref": "refs/...", "after": "<sha>"}}, from CI or scripts. */
    GENERIC
  }

  public PushEvent {
    Objects.requireNonNull(provider, "provider");
    repositoryUrls = Collections.unmodifiableSet(new LinkedHashSet<>(repositoryUrls));
    Objects.requireNonNull(ref, "ref");
    after = Objects.requireNonNullElse(after, "");
    deliveryId = Objects.requireNonNullElse(deliveryId, "");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /**
   * True when {@code repositoryUrl} names the same repository as one of {@link #repositoryUrls()},
   * comparing {@linkplain RepositoryUrl#normalize(String) normalized} forms: so {@code
   * git@github.com:Acme/Shop.git}, {@code ssh://git@github.com/acme/shop} and {@code
   * https://github.com/acme/shop/} all match each other.
   */
  public boolean matches(String repositoryUrl) {
    String wanted = RepositoryUrl.normalize(repositoryUrl);
    return !wanted.isEmpty()
        && repositoryUrls.stream().anyMatch(url -> RepositoryUrl.normalize(url).equals(wanted));
  }

  /** True when the ref is a tag ({@code refs/tags/...}). */
  public boolean isTag() {
    return ref.startsWith("refs/tags/");
  }

  /** True when the push deleted the ref. */
  public boolean isDeletion() {
    return !after.isEmpty() && after.chars().allMatch(c -> c == '0');
  }
}
