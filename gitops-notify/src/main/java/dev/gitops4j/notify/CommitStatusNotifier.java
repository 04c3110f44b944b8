package dev.gitops4j.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.notify.internal.Http;
import dev.gitops4j.notify.internal.Payloads;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
 *
 * <p>GitLab's call is {@code POST <base>/api/v4/projects/{id}/statuses/{sha}}, the project named by
 * its numeric id or its URL-encoded path, the label in {@code name}, the token in {@code
 * PRIVATE-TOKEN}. Its states differ: a started sync is {@code running} (an approval stays {@code
 * pending}), and as GitLab has no {@code error} state every failure is {@code failed}, a retryable
 * one with a description that says it will be retried.
 *
 * <p>Revisions that are not commit ids (a directory source) are skipped.
 */
public final class CommitStatusNotifier implements Notifier {

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern OWNER_REPO = Pattern.compile("[^/\\s]+/[^/\\s]+");
  private static final Pattern GITLAB_PROJECT = Pattern.compile("[0-9]+|[^/\\s]+(/[^/\\s]+)+");

  /** The two shapes of the call. */
  private enum Forge {
    /** GitHub, Gitea, Forgejo. */
    REPOS,
    GITLAB
  }

  private static final int REMEMBERED_STATUSES = 1024;

  private final Forge forge;
  private final URI api;
  private final String authScheme;
  private final Secret token;
  private final Function<String, String> repository;
  private final String context;
  private final String targetUrl;

  /**
   * GitLab answers 400 to a status that repeats the current one ({@code running} twice, when a pass
   * held back by wave health goes on): the last state posted per status, newest kept.
   */
  private final Map<String, String> lastGitlabState =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_STATUSES;
        }
      };

  private CommitStatusNotifier(Builder b) {
    this.forge = b.forge;
    this.api = b.api;
    this.authScheme = b.authScheme;
    this.token = b.token;
    this.repository = Objects.requireNonNull(b.repository, "repository is required");
    this.context = b.context;
    this.targetUrl = b.targetUrl;
  }

  /** Statuses on a Gitea or Forgejo server at {@code baseUrl} (its API is under /api/v1). */
  public static Builder gitea(URI baseUrl, Secret token) {
    return new Builder(Forge.REPOS, resolve(baseUrl, "api/v1/"), "token", token);
  }

  /** Statuses on GitHub: {@code https://api.github.com}, or {@code https://HOST/api/v3}. */
  public static Builder github(URI apiUrl, Secret token) {
    return new Builder(Forge.REPOS, resolve(apiUrl, ""), "Bearer", token);
  }

  /**
   * Statuses on a GitLab server at {@code baseUrl} such as {@code https://gitlab.com} (its API is
   * under /api/v4), with a personal, project or group access token with the {@code api} scope.
   * {@link Builder#repository(String)} names the project: its numeric id or its path {@code
   * group/subgroup/project}.
   */
  public static Builder gitlab(URI baseUrl, Secret token) {
    return new Builder(Forge.GITLAB, resolve(baseUrl, "api/v4/"), null, token);
  }

  private static URI resolve(URI base, String path) {
    String s = base.toString();
    return URI.create((s.endsWith("/") ? s : s + "/") + path);
  }

  /**
   * The state the GitHub and Gitea notifiers post for {@code n}, or {@code null} when they post
   * nothing.
   */
  public static String state(Notification n) {
    return switch (n.event()) {
      case SYNC_STARTED, APPROVAL_NEEDED -> "pending";
      case SYNC_SUCCEEDED -> "success";
      case SYNC_FAILED -> n.retryable() ? "error" : "failure";
      default -> null;
    };
  }

  /**
   * The state the GitLab notifier posts for {@code n}, or {@code null} when it posts nothing.
   * GitLab refuses a status that repeats the current one ({@code pending} after {@code pending}),
   * so an approval and the sync that follows it get different states.
   */
  public static String gitlabState(Notification n) {
    return switch (n.event()) {
      case APPROVAL_NEEDED -> "pending";
      case SYNC_STARTED -> "running";
      case SYNC_SUCCEEDED -> "success";
      case SYNC_FAILED -> "failed";
      default -> null;
    };
  }

  @Override
  public void send(Notification n) throws Exception {
    String state = forge == Forge.GITLAB ? gitlabState(n) : state(n);
    if (state == null || !SHA.matcher(n.revision()).matches()) {
      return;
    }
    String repo = repository.apply(n.application());
    Pattern shape = forge == Forge.GITLAB ? GITLAB_PROJECT : OWNER_REPO;
    if (repo == null || !shape.matcher(repo).matches()) {
      throw new NotifierException(
          "no "
              + (forge == Forge.GITLAB ? "GitLab project id or path" : "owner/repo")
              + " for application "
              + n.application()
              + ": "
              + repo,
          false);
    }
    ObjectNode body = Payloads.JSON.createObjectNode();
    body.put("state", state);
    body.put(forge == Forge.GITLAB ? "name" : "context", expand(context, n, false));
    body.put("description", description(n, forge == Forge.GITLAB));
    if (targetUrl != null) {
      body.put("target_url", expand(targetUrl, n, true));
    }
    byte[] json = Payloads.JSON.writeValueAsBytes(body);
    if (forge == Forge.GITLAB) {
      postToGitlab(repo, n.revision(), state, body.get("name").asText(), json);
    } else {
      Http.postJson(
          api.resolve("repos/" + repo + "/statuses/" + n.revision()),
          json,
          Map.of(
              "Authorization",
              authScheme + " " + token.reveal(),
              "Accept",
              "application/vnd.github+json, application/json"));
    }
  }

  private void postToGitlab(String project, String sha, String state, String name, byte[] json)
      throws NotifierException, InterruptedException {
    URI uri = api.resolve("projects/" + encodePath(project) + "/statuses/" + sha);
    String key = uri + " " + name;
    synchronized (lastGitlabState) {
      if (state.equals(lastGitlabState.get(key))) {
        return;
      }
    }
    Http.postJson(uri, json, Map.of("PRIVATE-TOKEN", token.reveal(), "Accept", "application/json"));
    synchronized (lastGitlabState) {
      lastGitlabState.put(key, state);
    }
  }

  /**
   * GitLab's project path in one path segment: {@code group/project} as {@code group%2Fproject}.
   */
  private static String encodePath(String project) {
    StringBuilder encoded = new StringBuilder();
    for (String segment : project.split("/")) {
      if (encoded.length() > 0) {
        encoded.append("%2F");
      }
      encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return encoded.toString();
  }

  private static String description(Notification n, boolean gitlab) {
    String text =
        switch (n.event()) {
          case SYNC_STARTED ->
              "syncing" + (n.changes() == null ? "" : ": " + n.changes().summary());
          case APPROVAL_NEEDED ->
              "awaits approval of plan "
                  + (n.planId().length() > 12 ? n.planId().substring(0, 12) : n.planId());
          case SYNC_SUCCEEDED ->
              "synced" + (n.changes() == null ? "" : ": " + n.changes().summary());
          default ->
              (gitlab && n.retryable() ? "sync failed, will be retried: " : "sync failed: ")
                  + n.error();
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
    private final Forge forge;
    private final URI api;
    private final String authScheme;
    private final Secret token;
    private Function<String, String> repository;
    private String context = "gitops4j/{application}";
    private String targetUrl;

    private Builder(Forge forge, URI api, String authScheme, Secret token) {
      this.forge = forge;
      this.api = api;
      this.authScheme = authScheme;
      this.token = Objects.requireNonNull(token, "token");
    }

    /**
     * The {@code owner/repo} (GitLab: the project id or {@code group/project} path) of every
     * application's source.
     */
    public Builder repository(String ownerAndRepo) {
      Objects.requireNonNull(ownerAndRepo, "ownerAndRepo");
      return repository(application -> ownerAndRepo);
    }

    /** The {@code owner/repo} (GitLab: project id or path) of each application's source. */
    public Builder repository(Function<String, String> byApplication) {
      this.repository = Objects.requireNonNull(byApplication, "byApplication");
      return this;
    }

    /**
     * Status context (GitLab: name); {@code {application}} is replaced. Default {@code
     * gitops4j/{application}}.
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
