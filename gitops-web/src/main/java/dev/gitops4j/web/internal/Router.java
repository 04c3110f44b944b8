package dev.gitops4j.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Application;
import dev.gitops4j.web.Action;
import dev.gitops4j.web.Authenticator;
import dev.gitops4j.web.Principal;
import dev.gitops4j.web.TokenAuthenticator;
import dev.gitops4j.web.WebRequest;
import dev.gitops4j.web.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests to the API, the pages and the static files, and applies the security model:
 * principal from a bearer header or the session, CSRF token on every state-changing request that
 * does not carry a bearer header, and security headers on every response.
 */
public final class Router {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSRF_HEADER = "x-csrf-token";
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final Map<String, String> STATIC =
      Map.of(
          "dashboard.css", "text/css",
          "dashboard.js", "text/javascript");

  private final Views views;
  private final Actions actions;
  private final Pages pages;
  private final Sessions sessions;
  private final Authenticator authenticator;
  private final EventHub events;
  private final boolean authenticateReads;

  public Router(
      String title,
      Views views,
      Actions actions,
      Sessions sessions,
      Authenticator authenticator,
      EventHub events,
      boolean authenticateReads) {
    this.views = views;
    this.actions = actions;
    this.pages = new Pages(title, views, actions);
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.events = events;
    this.authenticateReads = authenticateReads;
  }

  /** Per-request state: the session id (new when the cookie was missing) and the principal. */
  private record Call(
      WebRequest request,
      List<String> segments,
      String sessionId,
      boolean newSession,
      Principal principal) {

    boolean api() {
      return !segments.isEmpty() && segments.get(0).equals("api");
    }

    boolean bearer() {
      return isBearer(request);
    }
  }

  /**
   * Whether the request carries {@code Authorization: Bearer …}, which no browser adds by itself.
   */
  private static boolean isBearer(WebRequest request) {
    return request
        .header("authorization")
        .map(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
        .orElse(false);
  }

  public WebResponse handle(WebRequest request) {
    Call call;
    try {
      call = call(request);
    } catch (WebError e) {
      return secured(json(e), request, null);
    }
    WebResponse response;
    try {
      response = route(call);
    } catch (WebError e) {
      response = call.api() ? json(e) : html(e.status(), pages.error(context(call), e));
    } catch (RuntimeException e) {
      LOG.error("{} failed", request, e);
      WebError error =
          new WebError(500, "internal", "the dashboard failed: " + e.getClass().getSimpleName());
      response = call.api() ? json(error) : html(500, pages.error(context(call), error));
    }
    return secured(response, request, call.newSession ? call.sessionId : null);
  }

  private Call call(WebRequest request) {
    List<String> segments = new ArrayList<>();
    for (String segment : request.path().split("/")) {
      if (!segment.isEmpty()) {
        try {
          segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw WebError.badRequest("bad percent-encoding in path " + request.path());
        }
      }
    }
    Optional<String> id = sessions.id(request);
    String sessionId = id.orElseGet(sessions::newId);
    Principal principal;
    if (isBearer(request)) {
      principal =
          authenticator
              .authenticate(request)
              .orElseThrow(
                  () -> new WebError(401, "unauthenticated", "the bearer token is not valid"));
    } else {
      principal =
          sessions.principal(request).or(() -> authenticator.authenticate(request)).orElse(null);
    }
    return new Call(request, segments, sessionId, id.isEmpty(), principal);
  }

  private WebResponse route(Call call) {
    WebRequest request = call.request;
    List<String> s = call.segments;
    String method = request.method();
    if (request.body().length > WebRequest.MAX_BODY) {
      throw new WebError(413, "too_large", "request body over " + WebRequest.MAX_BODY + " bytes");
    }
    if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
      throw new WebError(405, "method_not_allowed", method + " is not supported; use GET or POST");
    }
    boolean post = method.equals("POST");
    if (post) {
      checkCsrf(call);
    }
    if (!s.isEmpty() && s.get(0).equals("static")) {
      return staticFile(s);
    }
    if (authenticateReads && call.principal == null && !isSignIn(s)) {
      if (call.api()) {
        throw new WebError(401, "unauthenticated", "sign in to read this dashboard");
      }
      return html(
          401,
          pages.error(
              context(call),
              new WebError(401, "unauthenticated", "sign in to read this dashboard")));
    }
    if (call.api()) {
      return api(call, s.subList(1, s.size()), post);
    }
    if (s.isEmpty()) {
      requireMethod(post, false);
      return html(200, pages.list(context(call)));
    }
    switch (s.get(0)) {
      case "login" -> {
        requireMethod(post, true);
        return signIn(call);
      }
      case "logout" -> {
        requireMethod(post, true);
        sessions.signOut(call.sessionId);
        String fresh = sessions.newId();
        return WebResponse.redirect(request.basePath() + "/")
            .withHeader("Set-Cookie", sessions.cookie(fresh, request));
      }
      case "apps" -> {
        if (s.size() == 2) {
          requireMethod(post, false);
          Application app = views.application(s.get(1));
          String done =
              request
                  .queryParameter("done")
                  .flatMap(Action::fromPathName)
                  .map(a -> notice(a, call))
                  .orElse(null);
          return html(200, pages.application(context(call), app, done, null));
        }
        if (s.size() == 3) {
          requireMethod(post, true);
          return pageAction(call, s.get(1), s.get(2));
        }
        throw WebError.notFound("no page " + request.path());
      }
      default -> throw WebError.notFound("no page " + request.path());
    }
  }

  private static boolean isSignIn(List<String> s) {
    return s.isEmpty() || s.get(0).equals("login");
  }

  private WebResponse api(Call call, List<String> s, boolean post) {
    if (s.size() == 1 && s.get(0).equals("events")) {
      requireMethod(post, false);
      return WebResponse.events(events::subscribe);
    }
    if (s.size() == 1 && s.get(0).equals("session")) {
      requireMethod(post, false);
      ObjectNode session = JSON.createObjectNode();
      session.put("principal", call.principal == null ? null : call.principal.name());
      session.put("csrfToken", sessions.csrfToken(call.sessionId));
      session.put("actionsEnabled", actions.enabled());
      return json(200, session);
    }
    if (s.isEmpty() || !s.get(0).equals("applications")) {
      throw WebError.notFound("no API endpoint " + call.request.path());
    }
    if (s.size() == 1) {
      requireMethod(post, false);
      return json(200, views.applications());
    }
    Application app = views.application(s.get(1));
    if (s.size() == 2) {
      requireMethod(post, false);
      return json(200, views.detail(app));
    }
    if (s.size() == 3 && !post) {
      return switch (s.get(2)) {
        case "diff" -> json(200, views.diff(app));
        case "history" -> json(200, views.history(app, limit(call.request)));
        default -> throw WebError.notFound("no API endpoint " + call.request.path());
      };
    }
    if (s.size() == 3) {
      Action action = action(s.get(2));
      ObjectNode accepted =
          actions.perform(call.principal, app.name(), action, jsonArguments(call.request));
      return json(202, accepted);
    }
    throw WebError.notFound("no API endpoint " + call.request.path());
  }

  private WebResponse pageAction(Call call, String name, String actionName) {
    Action action = action(actionName);
    Map<String, String> arguments = formArguments(call.request);
    WebRequest request = call.request;
    try {
      actions.perform(call.principal, name, action, arguments);
    } catch (WebError e) {
      if (e.status() == 404) {
        throw e;
      }
      return html(e.status(), pages.application(context(call), views.application(name), null, e));
    }
    return WebResponse.redirect(
        request.basePath() + "/apps/" + name + "?done=" + action.pathName());
  }

  private WebResponse signIn(Call call) {
    if (!(authenticator instanceof TokenAuthenticator tokens)) {
      throw WebError.notFound("this dashboard has no sign-in form");
    }
    Map<String, String> form = formArguments(call.request);
    String token = form.getOrDefault("token", "");
    Optional<Principal> principal = tokens.verify(token);
    if (principal.isEmpty()) {
      LOG.warn("sign-in with an unknown token");
      return html(
          401,
          pages.error(context(call), new WebError(401, "unauthenticated", "unknown access token")));
    }
    String id = sessions.signIn(principal.get());
    String back = form.getOrDefault("return", "");
    String base = call.request.basePath();
    // Only paths of this dashboard: never an open redirect.
    if (!back.startsWith(base + "/")
        || back.startsWith("//")
        || back.contains("\\")
        || back.contains("//")) {
      back = base + "/";
    }
    return WebResponse.redirect(back).withHeader("Set-Cookie", sessions.cookie(id, call.request));
  }

  private void checkCsrf(Call call) {
    if (call.bearer()) {
      // A browser never adds a bearer header by itself, so a cross-site page cannot forge one.
      return;
    }
    String presented = call.request.header(CSRF_HEADER).orElse(null);
    if (presented == null && isForm(call.request)) {
      presented = formArguments(call.request).get("_csrf");
    }
    if (!sessions.csrfValid(call.request, presented)) {
      LOG.warn("refused {} without a valid CSRF token", call.request);
      throw new WebError(
          403,
          "csrf",
          "the request has no valid CSRF token for this session: reload the page and try again");
    }
  }

  private static boolean isForm(WebRequest request) {
    return request
        .header("content-type")
        .map(v -> v.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
        .orElse(false);
  }

  private static Map<String, String> formArguments(WebRequest request) {
    if (!isForm(request)) {
      throw new WebError(
          415, "unsupported_media_type", "send the form as application/x-www-form-urlencoded");
    }
    Map<String, String> values = new HashMap<>();
    WebRequest.decodeForm(request.bodyText()).forEach((key, list) -> values.put(key, list.get(0)));
    return values;
  }

  private static Map<String, String> jsonArguments(WebRequest request) {
    Map<String, String> values = new HashMap<>();
    if (request.body().length == 0) {
      return values;
    }
    boolean isJson =
        request
            .header("content-type")
            .map(v -> v.toLowerCase(Locale.ROOT).startsWith("application/json"))
            .orElse(false);
    if (!isJson) {
      throw new WebError(415, "unsupported_media_type", "send the body as application/json");
    }
    JsonNode body;
    try {
      body = JSON.readTree(request.body());
    } catch (JsonProcessingException e) {
      throw WebError.badRequest(
          "the body is not JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "): "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (body == null || !body.isObject()) {
      throw WebError.badRequest("the body must be a JSON object such as {\"planId\": \"...\"}");
    }
    body.properties()
        .forEach(
            field -> {
              if (!field.getValue().isTextual()) {
                throw WebError.badRequest("'" + field.getKey() + "' must be a string");
              }
              values.put(field.getKey(), field.getValue().asText());
            });
    return values;
  }

  private static Action action(String name) {
    return Action.fromPathName(name)
        .orElseThrow(
            () ->
                WebError.notFound(
                    "no action '"
                        + name
                        + "': use sync, approve, suspend, resume, rollback or unpin"));
  }

  private static int limit(WebRequest request) {
    String text = request.queryParameter("limit").orElse("50");
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw WebError.badRequest("limit must be a number, got '" + text + "'");
    }
  }

  private static void requireMethod(boolean post, boolean wantPost) {
    if (post != wantPost) {
      throw new WebError(405, "method_not_allowed", "use " + (wantPost ? "POST" : "GET") + " here");
    }
  }

  private static String notice(Action action, Call call) {
    String who = call.principal == null ? "" : " by " + call.principal.name();
    return switch (action) {
      case SYNC -> "Sync requested" + who + ".";
      case APPROVE -> "Plan approved" + who + ".";
      case SUSPEND -> "Suspended" + who + ".";
      case RESUME -> "Resumed" + who + ".";
      case ROLLBACK -> "Rollback requested" + who + ".";
      case UNPIN -> "Unpinned" + who + ".";
    };
  }

  private Pages.Context context(Call call) {
    return new Pages.Context(
        call.request.basePath(),
        call.request.path(),
        call.principal,
        sessions.csrfToken(call.sessionId),
        authenticator instanceof TokenAuthenticator,
        actions.enabled());
  }

  private WebResponse staticFile(List<String> s) {
    if (s.size() != 2 || !STATIC.containsKey(s.get(1))) {
      throw WebError.notFound("no file " + String.join("/", s));
    }
    try (InputStream in = Router.class.getResourceAsStream("static/" + s.get(1))) {
      if (in == null) {
        throw WebError.notFound("no file " + s.get(1));
      }
      return WebResponse.of(200, STATIC.get(s.get(1)) + "; charset=utf-8", in.readAllBytes())
          .withHeader("Cache-Control", "max-age=300");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static WebResponse html(int status, String page) {
    return WebResponse.text(status, "text/html", page)
        .withHeader("Content-Security-Policy", CSP)
        .withHeader("X-Frame-Options", "DENY");
  }

  private static WebResponse json(int status, JsonNode body) {
    try {
      return WebResponse.of(status, "application/json", JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static WebResponse json(WebError error) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", error.status());
    body.put("error", error.code());
    body.put("message", error.getMessage());
    WebResponse response = json(error.status(), body);
    return error.status() == 401
        ? response.withHeader("WWW-Authenticate", "Bearer realm=\"gitops4j\"")
        : response;
  }

  private WebResponse secured(WebResponse response, WebRequest request, String newSession) {
    WebResponse out =
        response
            .withHeader("X-Content-Type-Options", "nosniff")
            .withHeader("Referrer-Policy", "same-origin");
    if (response.header("Cache-Control").isEmpty()) {
      out = out.withHeader("Cache-Control", "no-store");
    }
    if (newSession != null && response.header("Set-Cookie").isEmpty()) {
      out = out.withHeader("Set-Cookie", sessions.cookie(newSession, request));
    }
    return out;
  }
}
