package dev.gitops4j.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.notify.internal.Http;
import dev.gitops4j.notify.internal.Payloads;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Sets a commit status on the revision a pass deploys: {@code pending} when its sync starts or its
 * plan awaits approval, {@code success} when the target matches it, {@code failure} when the
 * revision itself is at fault (it does not render or validate, a step is rejected), {@code error}
 * when the failure may pass on retry (the target is unreachable). Other events are ignored.
 *
 * <p>Gitea (and Forgejo) and GitHub share the call, {@code POST
 * <api>/repos/{owner}/{repo}/statuses/{sha}} with {@code state}, {@code target_url}, {@code
 * description} and {@code context}; only the API root and the authorization scheme differ.
 * Revisions that are not commit ids (a directory source) are skipped.
 */
public final class CommitStatusNotifier implements Notifier {

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final URI api;
  private final String authScheme;
  private final Secret token;
  private final Function<String, String> repository;
  private final String context;
  private final String targetUrl;

  private CommitStatusNotifier(Builder b) {
    this.api = b.api;
    this.authScheme = b.authScheme;
    this.token = b.token;
    this.repository = Objects.requireNonNull(b.repository, "repository is required");
    this.context = b.context;
    this.targetUrl = b.targetUrl;
  }

  /** Statuses on a Gitea or Forgejo server at {@code baseUrl} (its API is under /api/v1). */
  public static Builder gitea(URI baseUrl, Secret token) {
    return new Builder(resolve(baseUrl, "api/v1/"), "token", token);
  }

  /** Statuses on GitHub: {@code https://api.github.com}, or {@code https://HOST/api/v3}. */
  public static Builder github(URI apiUrl, Secret token) {
    return new Builder(resolve(apiUrl, ""), "Bearer", token);
  }

  private static URI resolve(URI base, String path) {
    String s = base.toString();
    return URI.create((s.endsWith("/") ? s : s + "/") + path);
  }

  /** The state this notifier posts for {@code n}, or {@code null} when it posts nothing. */
  public static String state(Notification n) {
    return switch (n.event()) {
      case SYNC_STARTED, APPROVAL_NEEDED -> "pending";
      case SYNC_SUCCEEDED -> "success";
      case SYNC_FAILED -> n.retryable() ? "error" : "failure";
      default -> null;
    };
  }

  @Override
  public void send(Notification n) throws Exception {
    String state = state(n);
    if (state == null || !SHA.matcher(n.revision()).matches()) {
      return;
    }
    String repo = repository.apply(n.application());
    if (repo == null || !repo.matches("[^/\\s]+/[^/\\s]+")) {
      throw new NotifierException(
          "no owner/repo for application " + n.application() + ": " + repo, false);
    }
    ObjectNode body = Payloads.JSON.createObjectNode();
    body.put("state", state);
    body.put("context", expand(context, n, false));
    body.put("description", description(n));
    if (targetUrl != null) {
      body.put("target_url", expand(targetUrl, n, true));
    }
    URI uri = api.resolve("repos/" + repo + "/statuses/" + n.revision());
    Http.postJson(
        uri,
        Payloads.JSON.writeValueAsBytes(body),
        Map.of(
            "Authorization",
            authScheme + " " + token.reveal(),
            "Accept",
            "application/vnd.github+json, application/json"));
  }

  private static String description(Notification n) {
    String text =
        switch (n.event()) {
          case SYNC_STARTED -> "syncing" + (n.drift() == null ? "" : ": " + n.drift().summary());
          case APPROVAL_NEEDED ->
              "awaits approval of plan "
                  + (n.planId().length() > 12 ? n.planId().substring(0, 12) : n.planId());
          case SYNC_SUCCEEDED ->
              "synced" + (n.changes() == null ? "" : ": " + n.changes().summary());
          default -> "sync failed: " + n.error();
        };
    // GitHub refuses descriptions over 140 characters.
    return text.length() > 140 ? text.substring(0, 137) + "..." : text;
  }

  private static String expand(String template, Notification n, boolean encode) {
    String app =
        encode ? URLEncoder.encode(n.application(), StandardCharsets.UTF_8) : n.application();
    return template.replace("{application}", app).replace("{revision}", n.revision());
  }

  @Override
  public String name() {
    return "commit status " + api.getHost();
  }

  /** Builds a {@link CommitStatusNotifier}. */
  public static final class Builder {
    private final URI api;
    private final String authScheme;
    private final Secret token;
    private Function<String, String> repository;
    private String context = "gitops4j/{application}";
    private String targetUrl;

    private Builder(URI api, String authScheme, Secret token) {
      this.api = api;
      this.authScheme = authScheme;
      this.token = Objects.requireNonNull(token, "token");
    }

    /** The {@code owner/repo} of every application's source. */
    public Builder repository(String ownerAndRepo) {
      Objects.requireNonNull(ownerAndRepo, "ownerAndRepo");
      return repository(application -> ownerAndRepo);
    }

    /** The {@code owner/repo} of each application's source. */
    public Builder repository(Function<String, String> byApplication) {
      this.repository = Objects.requireNonNull(byApplication, "byApplication");
      return this;
    }

    /**
     * Status context; {@code {application}} is replaced. Default {@code gitops4j/{application}}.
     */
    public Builder context(String template) {
      this.context = Objects.requireNonNull(template, "template");
      return this;
    }

    /**
     * Link of the status, e.g. the dashboard's {@code
     * https://ops.example/gitops/apps/{application}}; {@code {application}} and {@code {revision}}
     * are replaced. None by default.
     */
    public Builder targetUrl(String template) {
      this.targetUrl = Objects.requireNonNull(template, "template");
      return this;
    }

    public CommitStatusNotifier build() {
      return new CommitStatusNotifier(this);
    }
  }
}
