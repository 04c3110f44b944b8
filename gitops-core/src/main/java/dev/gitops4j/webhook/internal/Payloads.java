package dev.gitops4j.webhook.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.webhook.PushEvent.Provider;
import dev.gitops4j.webhook.WebhookRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads push payloads of GitHub, GitLab and the generic format. Only called on authenticated
 * bodies. The format follows the event header: {@code X-GitHub-Event}, then {@code X-Gitlab-Event},
 * else generic.
 */
public final class Payloads {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Payloads() {}

  /** What a payload says. */
  public sealed interface Parsed permits Push, Ignored {}

  /** A push. */
  public record Push(Provider provider, Set<String> repositoryUrls, String ref, String after)
      implements Parsed {}

  /** An authentic event that asks for nothing, with the reason. */
  public record Ignored(String reason) implements Parsed {}

  /** The payload cannot be read; the message says why in words safe to send back. */
  public static final class MalformedPayloadException extends Exception {
    MalformedPayloadException(String message) {
      super(message);
    }
  }

  public static Parsed parse(WebhookRequest request, byte[] body) throws MalformedPayloadException {
    Optional<String> github = request.header("X-GitHub-Event").map(String::strip);
    if (github.isPresent()) {
      return switch (github.get()) {
        case "push" -> github(json(request, body));
        case "ping" -> new Ignored("ping received");
        default -> new Ignored("GitHub event '" + printable(github.get()) + "' is not a push");
      };
    }
    Optional<String> gitlab = request.header("X-Gitlab-Event").map(String::strip);
    if (gitlab.isPresent()) {
      return switch (gitlab.get()) {
        case "Push Hook", "Tag Push Hook" -> gitlab(json(request, body));
        case "System Hook" -> {
          JsonNode root = json(request, body);
          String kind = root.path("event_name").asText("");
          yield kind.equals("push") || kind.equals("tag_push")
              ? gitlab(root)
              : new Ignored("GitLab system event '" + printable(kind) + "' is not a push");
        }
        default -> new Ignored("GitLab event '" + printable(gitlab.get()) + "' is not a push");
      };
    }
    return generic(json(request, body));
  }

  private static Push github(JsonNode root) throws MalformedPayloadException {
    JsonNode repo = object(root, "repository");
    Set<String> urls = urls(repo, "html_url", "clone_url", "ssh_url", "git_url");
    return new Push(Provider.GITHUB, urls, ref(root), optionalText(root, "after"));
  }

  private static Push gitlab(JsonNode root) throws MalformedPayloadException {
    Set<String> urls = new LinkedHashSet<>();
    if (root.has("project")) {
      urls.addAll(
          urls(object(root, "project"), "web_url", "git_http_url", "git_ssh_url", "http_url"));
    }
    if (root.has("repository")) {
      urls.addAll(
          urls(object(root, "repository"), "homepage", "git_http_url", "git_ssh_url", "url"));
    }
    if (urls.isEmpty()) {
      throw new MalformedPayloadException("GitLab push names no project or repository URL");
    }
    return new Push(Provider.GITLAB, urls, ref(root), optionalText(root, "after"));
  }

  private static Push generic(JsonNode root) throws MalformedPayloadException {
    String url = text(root, "repository");
    if (url.isBlank()) {
      throw new MalformedPayloadException("field 'repository' must be a repository URL");
    }
    return new Push(Provider.GENERIC, Set.of(url), ref(root), optionalText(root, "after"));
  }

  private static String ref(JsonNode root) throws MalformedPayloadException {
    String ref = text(root, "ref");
    if (!ref.startsWith("refs/") || ref.length() == "refs/".length()) {
      throw new MalformedPayloadException(
          "field 'ref' must be a full ref such as refs/heads/main, was '" + printable(ref) + "'");
    }
    return ref;
  }

  private static Set<String> urls(JsonNode node, String... fields)
      throws MalformedPayloadException {
    Set<String> urls = new LinkedHashSet<>();
    for (String field : fields) {
      String url = optionalText(node, field);
      if (!url.isBlank()) {
        urls.add(url);
      }
    }
    if (urls.isEmpty()) {
      throw new MalformedPayloadException(
          "repository has none of the URL fields " + String.join(", ", fields));
    }
    return urls;
  }

  private static JsonNode object(JsonNode root, String field) throws MalformedPayloadException {
    JsonNode node = root.get(field);
    if (node == null || !node.isObject()) {
      throw new MalformedPayloadException("field '" + field + "' is missing or not an object");
    }
    return node;
  }

  private static String text(JsonNode root, String field) throws MalformedPayloadException {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual()) {
      throw new MalformedPayloadException("field '" + field + "' is missing or not a string");
    }
    return node.textValue();
  }

  private static String optionalText(JsonNode root, String field) throws MalformedPayloadException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new MalformedPayloadException("field '" + field + "' is not a string");
    }
    return node.textValue();
  }

  private static JsonNode json(WebhookRequest request, byte[] body)
      throws MalformedPayloadException {
    byte[] json = body;
    String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded")) {
      json = formPayload(body); // GitHub's optional form encoding: payload=<url-encoded JSON>
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new MalformedPayloadException(
          "body is not valid JSON: " + printable(firstLine(e.getMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedPayloadException("body is not a JSON object");
    }
    return root;
  }

  private static byte[] formPayload(byte[] body) throws MalformedPayloadException {
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (pair.startsWith("payload=")) {
        try {
          return URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new MalformedPayloadException("form field 'payload' is not URL-encoded");
        }
      }
    }
    throw new MalformedPayloadException("form body has no 'payload' field");
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Sender-controlled text shortened and stripped of control characters before it is echoed. */
  public static String printable(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 100 ? clean : clean.substring(0, 100) + "...";
  }
}
