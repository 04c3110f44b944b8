package dev.gitops4j.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Application;
import dev.gitops4j.web.Action;
import dev.gitops4j.web.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Server-rendered dashboard pages over the {@link Views} model; styles and script are static. */
final class Pages {

  /** What every page needs to know about the request. */
  record Context(
      String base,
      String path,
      Principal principal,
      String csrfToken,
      boolean tokenSignIn,
      boolean actionsEnabled) {}

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter HISTORY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String title;
  private final Views views;
  private final Actions actions;

  Pages(String title, Views views, Actions actions) {
    this.title = title;
    this.views = views;
    this.actions = actions;
  }

  String list(Context ctx) {
    JsonNode apps = views.applications().get("applications");
    Html h = start(ctx, "Applications", "");
    h.raw("<h1>Applications</h1>");
    if (apps.isEmpty()) {
      h.raw("<p class=\"empty\">No applications are registered.</p>");
    } else {
      h.raw(
              "<table class=\"apps\"><caption class=\"sr-only\">Applications and their state</caption>")
          .raw("<thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Status</th>")
          .raw("<th scope=\"col\">Health</th><th scope=\"col\">Revision</th>")
          .raw("<th scope=\"col\">Drift</th><th scope=\"col\">Last pass</th></tr></thead><tbody>");
      for (JsonNode app : apps) {
        String name = app.get("name").asText();
        h.raw("<tr data-app=\"")
            .text(name)
            .raw("\"><th scope=\"row\"><a href=\"")
            .text(ctx.base + "/apps/" + name)
            .raw("\">")
            .text(name)
            .raw("</a><div class=\"sub\">")
            .text(app.get("policy").asText().toLowerCase(Locale.ROOT).replace('_', ' '))
            .raw("</div></th><td>");
        status(h, app.get("status").asText());
        h.raw("</td><td>");
        health(h, app.get("health"));
        h.raw("</td><td>");
        revision(h, app);
        h.raw("</td><td>").text(driftSummary(app.get("drift"))).raw("</td><td>");
        lastPass(h, app.get("lastPass"));
        h.raw("</td></tr>");
      }
      h.raw("</tbody></table>");
    }
    return end(h);
  }

  String application(Context ctx, Application application, String notice, WebError error) {
    ObjectNode app = views.detail(application);
    String name = application.name();
    Html h = start(ctx, name, name);
    h.raw("<nav aria-label=\"Breadcrumb\" class=\"crumbs\"><a href=\"")
        .text(ctx.base + "/")
        .raw("\">Applications</a> <span aria-hidden=\"true\">/</span> ")
        .text(name)
        .raw("</nav>");
    h.raw("<div class=\"title\"><h1>").text(name).raw("</h1>");
    status(h, app.get("status").asText());
    health(h, app.get("health"));
    h.raw("</div>");
    if (notice != null) {
      h.raw("<p class=\"banner ok\" role=\"status\" id=\"notice\">").text(notice).raw("</p>");
    }
    if (error != null) {
      h.raw("<p class=\"banner error\" role=\"alert\" id=\"error\"><strong>")
          .text(error.status() + " " + reason(error.status()))
          .raw(":</strong> ")
          .text(error.getMessage())
          .raw("</p>");
    }
    facts(h, app);
    actionsSection(h, ctx, app);
    resources(h, app);
    diff(h, views.diff(application));
    history(h, views.history(application, 50));
    return end(h);
  }

  String error(Context ctx, WebError error) {
    Html h = start(ctx, reason(error.status()), "");
    h.raw("<h1>").text(error.status() + " " + reason(error.status())).raw("</h1>");
    h.raw("<p class=\"banner error\" role=\"alert\" id=\"error\">")
        .text(error.getMessage())
        .raw("</p><p><a href=\"")
        .text(ctx.base + "/")
        .raw("\">Back to the applications</a></p>");
    return end(h);
  }

  private void facts(Html h, JsonNode app) {
    h.raw("<dl class=\"facts\">");
    fact(h, "Source", app.get("source").asText());
    fact(h, "Target", app.get("endpoint").asText());
    fact(h, "Policy", app.get("policy").asText().toLowerCase(Locale.ROOT).replace('_', ' '));
    h.raw("<div><dt>Revision</dt><dd>");
    revision(h, app);
    h.raw("</dd></div>");
    String healthMessage = app.get("health").get("message").asText();
    if (!healthMessage.isEmpty()) {
      fact(h, "Health", healthText(app.get("health")));
    }
    h.raw("<div><dt>Last pass</dt><dd>");
    lastPass(h, app.get("lastPass"));
    h.raw("</dd></div></dl>");
    JsonNode last = app.get("lastPass");
    if (last != null && !last.isNull() && !last.get("error").asText().isEmpty()) {
      h.raw("<p class=\"banner error\">Last pass failed: ")
          .text(last.get("error").asText())
          .raw("</p>");
    }
  }

  private static void fact(Html h, String label, String value) {
    h.raw("<div><dt>").text(label).raw("</dt><dd>").text(value).raw("</dd></div>");
  }

  private void actionsSection(Html h, Context ctx, JsonNode app) {
    String name = app.get("name").asText();
    h.raw(
        "<section aria-labelledby=\"actions-h\" class=\"card\"><h2 id=\"actions-h\">Actions</h2>");
    if (!ctx.actionsEnabled) {
      h.raw("<p class=\"muted\">This dashboard is read-only: actions are disabled.</p></section>");
      return;
    }
    if (ctx.principal == null) {
      h.raw("<p class=\"muted\">Sign in to act on this application.</p></section>");
      return;
    }
    JsonNode plan = app.get("pendingPlan");
    h.raw("<div class=\"actions\">");
    if (plan != null && !plan.isNull()) {
      String planId = plan.get("planId").asText();
      h.raw(
              "<div class=\"pending\" id=\"pending-plan\"><p><strong>Plan awaiting approval:</strong> ")
          .text(plan.get("summary").asText())
          .raw(" <span class=\"muted\">(plan <code>")
          .text(shortId(planId))
          .raw("</code> for revision <code>")
          .text(shortId(plan.get("revision").asText()))
          .raw("</code>)</span></p>");
      form(h, ctx, name, Action.APPROVE, "Approve plan", "primary", "planId", planId);
      h.raw("</div>");
    }
    form(h, ctx, name, Action.SYNC, "Sync now", "", null, null);
    if (app.get("status").asText().equals("SUSPENDED")) {
      form(h, ctx, name, Action.RESUME, "Resume", "", null, null);
    } else {
      form(h, ctx, name, Action.SUSPEND, "Suspend", "", null, null);
    }
    if (!app.get("pinnedRevision").isNull()) {
      form(h, ctx, name, Action.UNPIN, "Unpin", "", null, null);
    }
    rollbackForm(h, ctx, name);
    h.raw("</div></section>");
  }

  private void form(
      Html h,
      Context ctx,
      String app,
      Action action,
      String label,
      String style,
      String field,
      String value) {
    boolean allowed = actions.allowed(ctx.principal, action, app);
    h.raw("<form method=\"post\" class=\"inline\" action=\"")
        .text(ctx.base + "/apps/" + app + "/" + action.pathName())
        .raw("\">");
    csrf(h, ctx);
    if (field != null) {
      h.raw("<input type=\"hidden\" name=\"").text(field).raw("\" value=\"").text(value).raw("\">");
    }
    h.raw("<button type=\"submit\" id=\"action-")
        .text(action.pathName())
        .raw("\" class=\"")
        .text(style)
        .raw("\"");
    if (!allowed) {
      h.raw(" disabled title=\"")
          .text(ctx.principal.name() + " is not allowed to " + action.pathName() + " " + app)
          .raw("\"");
    }
    h.raw(">").text(label).raw("</button></form>");
  }

  private void rollbackForm(Html h, Context ctx, String app) {
    List<String> revisions = views.revisions(views.application(app));
    if (revisions.isEmpty()) {
      return;
    }
    boolean allowed = actions.allowed(ctx.principal, Action.ROLLBACK, app);
    h.raw("<form method=\"post\" class=\"inline rollback\" action=\"")
        .text(ctx.base + "/apps/" + app + "/rollback")
        .raw("\">");
    csrf(h, ctx);
    h.raw(
        "<label for=\"revision\">Roll back to</label> <select id=\"revision\" name=\"revision\">");
    for (String revision : revisions) {
      h.raw("<option value=\"").text(revision).raw("\">").text(shortId(revision)).raw("</option>");
    }
    h.raw("</select> <button type=\"submit\" id=\"action-rollback\"");
    if (!allowed) {
      h.raw(" disabled title=\"")
          .text(ctx.principal.name() + " is not allowed to rollback " + app)
          .raw("\"");
    }
    h.raw(">Roll back</button></form>");
  }

  private static void csrf(Html h, Context ctx) {
    h.raw("<input type=\"hidden\" name=\"_csrf\" value=\"").text(ctx.csrfToken).raw("\">");
  }

  private static void resources(Html h, JsonNode app) {
    h.raw("<section aria-labelledby=\"res-h\" class=\"card\"><h2 id=\"res-h\">Resources</h2>");
    JsonNode resources = app.get("resources");
    if (resources.isEmpty()) {
      h.raw("<p class=\"muted\">No pass has compared resources yet.</p></section>");
      return;
    }
    h.raw("<table class=\"resources\"><thead><tr><th scope=\"col\">Resource</th>")
        .raw("<th scope=\"col\">Sync</th><th scope=\"col\">Changes</th></tr></thead><tbody>");
    for (JsonNode resource : resources) {
      String status = resource.get("status").asText();
      h.raw("<tr><td><code>")
          .text(resource.get("resource").asText())
          .raw("</code></td><td><span class=\"badge s-")
          .text(status.toLowerCase(Locale.ROOT))
          .raw("\">")
          .text(label(status))
          .raw("</span></td><td>")
          .text(resource.get("changes").asInt() == 0 ? "" : resource.get("changes").asText())
          .raw("</td></tr>");
    }
    h.raw("</tbody></table></section>");
  }

  private static void diff(Html h, JsonNode diff) {
    h.raw("<section aria-labelledby=\"diff-h\" class=\"card\"><h2 id=\"diff-h\">Drift</h2>");
    JsonNode resources = diff.get("resources");
    if (resources.isEmpty()) {
      h.raw("<p class=\"muted\" id=\"no-drift\">Live state matches the revision.</p></section>");
      return;
    }
    h.raw(
        "<p class=\"muted\">Live state (−) against the revision (+); secret values are redacted.</p>");
    h.raw("<div id=\"diff\">");
    for (JsonNode resource : resources) {
      h.raw("<h3><code>")
          .text(resource.get("resource").asText())
          .raw("</code> <span class=\"badge s-")
          .text(resource.get("status").asText().toLowerCase(Locale.ROOT))
          .raw("\">")
          .text(label(resource.get("status").asText()))
          .raw("</span></h3>");
      diffText(h, resource.get("diff").asText());
    }
    h.raw("</div></section>");
  }

  private static void diffText(Html h, String text) {
    h.raw("<pre class=\"diff\">");
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      String css =
          line.startsWith("+++") || line.startsWith("---")
              ? "file"
              : line.startsWith("@@")
                  ? "hunk"
                  : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "ctx";
      // Block spans: one per line, so no line breaks between them.
      h.raw("<span class=\"").raw(css).raw("\">").text(line).raw("</span>");
    }
    h.raw("</pre>");
  }

  private static void history(Html h, JsonNode history) {
    h.raw("<section aria-labelledby=\"hist-h\" class=\"card\"><h2 id=\"hist-h\">History</h2>");
    JsonNode verification = history.get("verification");
    if (verification == null || verification.isNull()) {
      h.raw("<p class=\"muted\">No history store is configured.</p></section>");
      return;
    }
    if (verification.get("intact").asBoolean()) {
      h.raw("<p class=\"chain ok\" id=\"chain\">✓ Hash chain intact: ")
          .text(verification.get("records").asText())
          .raw(" records verified.</p>");
    } else {
      h.raw("<p class=\"chain broken\" id=\"chain\" role=\"alert\">✗ Hash chain broken at record ")
          .text(verification.get("firstBadLine").asText())
          .raw(": ")
          .text(verification.get("reason").asText())
          .raw("</p>");
    }
    JsonNode records = history.get("records");
    if (records.isEmpty()) {
      h.raw("<p class=\"muted\">Nothing recorded yet.</p></section>");
      return;
    }
    h.raw("<table class=\"history\" id=\"history\"><thead><tr><th scope=\"col\">Time (UTC)</th>")
        .raw("<th scope=\"col\">Status</th><th scope=\"col\">Trigger</th>")
        .raw("<th scope=\"col\">Revision</th><th scope=\"col\">By</th>")
        .raw("<th scope=\"col\">What</th></tr></thead><tbody>");
    for (JsonNode record : records) {
      String status = record.get("status").asText();
      h.raw("<tr><td class=\"nowrap\">")
          .text(HISTORY_TIME.format(Instant.parse(record.get("time").asText())))
          .raw("</td><td><span class=\"badge s-")
          .text(status.toLowerCase(Locale.ROOT))
          .raw("\">")
          .text(label(status))
          .raw("</span></td><td>")
          .text(record.get("trigger").asText().toLowerCase(Locale.ROOT).replace('_', ' '))
          .raw("</td><td><code>")
          .text(shortId(record.get("revision").asText()))
          .raw("</code></td><td>")
          .text(record.get("author").asText())
          .raw("</td><td>")
          .text(record.get("planSummary").asText());
      if (!record.get("error").asText().isEmpty()) {
        h.raw("<div class=\"err\">").text(record.get("error").asText()).raw("</div>");
      }
      if (!record.get("diff").asText().isEmpty()) {
        h.raw("<details><summary>Diff</summary>");
        diffText(h, record.get("diff").asText());
        h.raw("</details>");
      }
      h.raw("</td></tr>");
    }
    h.raw("</tbody></table></section>");
  }

  private Html start(Context ctx, String pageTitle, String app) {
    Html h = Html.create();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text(pageTitle + " · " + title)
        .raw("</title><link rel=\"stylesheet\" href=\"")
        .text(ctx.base + "/static/dashboard.css")
        .raw("\"><script src=\"")
        .text(ctx.base + "/static/dashboard.js")
        .raw("\" defer></script></head><body data-base=\"")
        .text(ctx.base)
        .raw("\" data-app=\"")
        .text(app)
        .raw("\"><a class=\"skip\" href=\"#main\">Skip to content</a><header class=\"top\">")
        .raw("<a class=\"brand\" href=\"")
        .text(ctx.base + "/")
        .raw("\">")
        .text(title)
        .raw(
            "</a><span class=\"live\" id=\"live\" aria-live=\"polite\"></span><div class=\"who\">");
    if (!ctx.actionsEnabled) {
      h.raw("<span class=\"badge s-read-only\">Read-only</span>");
    }
    if (ctx.principal != null) {
      h.raw("<span id=\"principal\">Signed in as <strong>")
          .text(ctx.principal.name())
          .raw("</strong></span>");
      if (ctx.tokenSignIn) {
        h.raw("<form method=\"post\" class=\"inline\" action=\"")
            .text(ctx.base + "/logout")
            .raw("\">");
        csrf(h, ctx);
        h.raw("<button type=\"submit\" id=\"sign-out\" class=\"quiet\">Sign out</button></form>");
      }
    } else if (ctx.tokenSignIn) {
      h.raw("<form method=\"post\" class=\"signin\" action=\"")
          .text(ctx.base + "/login")
          .raw("\">");
      csrf(h, ctx);
      h.raw("<input type=\"hidden\" name=\"return\" value=\"")
          .text(ctx.base + ctx.path)
          .raw("\"><label for=\"token\">Access token</label>")
          .raw("<input type=\"password\" id=\"token\" name=\"token\" required")
          .raw(" autocomplete=\"current-password\">")
          .raw("<button type=\"submit\" id=\"sign-in\">Sign in</button></form>");
    }
    h.raw("</div></header><main id=\"main\">");
    return h;
  }

  private static String end(Html h) {
    return h.raw("</main></body></html>").toString();
  }

  private static void status(Html h, String status) {
    h.raw("<span class=\"badge s-")
        .text(status.toLowerCase(Locale.ROOT))
        .raw("\" data-status=\"")
        .text(status)
        .raw("\">")
        .text(label(status))
        .raw("</span>");
  }

  private static void health(Html h, JsonNode health) {
    String status = health.get("status").asText();
    h.raw("<span class=\"badge h-")
        .text(status.toLowerCase(Locale.ROOT))
        .raw("\" title=\"")
        .text(health.get("message").asText())
        .raw("\">")
        .text(label(status))
        .raw("</span>");
  }

  private static String healthText(JsonNode health) {
    String message = health.get("message").asText();
    return label(health.get("status").asText()) + (message.isEmpty() ? "" : ": " + message);
  }

  private static void revision(Html h, JsonNode app) {
    String revision = app.get("revision").asText();
    h.raw("<code title=\"")
        .text(revision)
        .raw("\">")
        .text(revision.isEmpty() ? "–" : shortId(revision))
        .raw("</code>");
    JsonNode pinned = app.get("pinnedRevision");
    if (pinned != null && !pinned.isNull()) {
      h.raw(" <span class=\"badge s-pinned\">pinned to ")
          .text(shortId(pinned.asText()))
          .raw("</span>");
    }
  }

  private static void lastPass(Html h, JsonNode last) {
    if (last == null || last.isNull()) {
      h.raw("<span class=\"muted\">not yet</span>");
      return;
    }
    h.text(TIME.format(Instant.parse(last.get("started").asText())))
        .raw("<div class=\"sub\">")
        .text(
            last.get("trigger").asText().toLowerCase(Locale.ROOT).replace('_', ' ')
                + " · "
                + last.get("durationMillis").asText()
                + " ms · "
                + last.get("writes").asText()
                + (last.get("writes").asLong() == 1 ? " write" : " writes"))
        .raw("</div>");
  }

  private static String driftSummary(JsonNode drift) {
    if (drift == null || drift.isNull()) {
      return "–";
    }
    StringBuilder text = new StringBuilder();
    for (String key : new String[] {"modified", "missing", "extraneous"}) {
      long count = drift.get(key).asLong();
      if (count > 0) {
        text.append(text.length() == 0 ? "" : ", ").append(count).append(' ').append(key);
      }
    }
    return text.length() == 0
        ? "in sync (" + drift.get("resources").asText() + ")"
        : text.toString();
  }

  /** {@code AWAITING_APPROVAL} → {@code Awaiting approval}. */
  static String label(String status) {
    if (status.isEmpty()) {
      return status;
    }
    String words = status.toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Not signed in";
      case 403 -> "Refused";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 409 -> "Conflict";
      case 413 -> "Too large";
      case 415 -> "Unsupported media type";
      case 503 -> "Unavailable";
      default -> "Error";
    };
  }
}
