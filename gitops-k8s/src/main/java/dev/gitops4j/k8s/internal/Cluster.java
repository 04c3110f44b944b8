package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.state.StateStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** What every part of one Kubernetes target shares: client, settings, caches. */
public final class Cluster {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Most of an error response read to describe the error. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  /**
   * Retries of one server-side apply by the client itself. Few: the API server answers an apply
   * body that does not fit the schema with HTTP 500, which the client would retry for many seconds,
   * and a pass that fails is retried by the engine with its own backoff anyway.
   */
  private static final int APPLY_RETRIES = 2;

  final KubernetesClient client;
  private final KubernetesClient applyClient;
  final KubeTargetSettings settings;
  final Discovery discovery;
  final AppliedVersions versions = new AppliedVersions();
  final AppliedVersionsMemory memory;
  final Comparison comparison;

  /**
   * @param state where applied versions outlive the process, or null to keep them in memory
   */
  public Cluster(KubernetesClient client, KubeTargetSettings settings, StateStore state) {
    this.client = client;
    this.applyClient =
        client
            .newClient(
                new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                    .withRequestRetryBackoffLimit(APPLY_RETRIES)
                    .build())
            .adapt(KubernetesClient.class);
    this.settings = settings;
    this.discovery = new Discovery(client);
    this.comparison = new Comparison(settings);
    this.memory = new AppliedVersionsMemory(state, versions);
  }

  public KubernetesClient client() {
    return client;
  }

  public KubeTargetSettings settings() {
    return settings;
  }

  public Discovery discovery() {
    return discovery;
  }

  MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      kind(KindInfo kind) {
    return client.genericKubernetesResources(kind.context());
  }

  Resource<GenericKubernetesResource> resource(KindInfo kind, ResourceId id) {
    return kind.namespaced()
        ? kind(kind).inNamespace(id.scope()).withName(id.name())
        : kind(kind).withName(id.name());
  }

  /**
   * Server-side apply of {@code body} with the target's field manager. Unknown and duplicate fields
   * are errors (strict field validation), so what is declared is what is applied. The body is
   * written and the answer read as trees, with no typed model in between: converting each object to
   * and from the client's model cost more CPU than the request itself.
   *
   * @throws KubernetesClientException like the typed client: with the HTTP status and the server's
   *     {@code Status} on an error response
   */
  JsonNode apply(KindInfo kind, ResourceId id, JsonNode body, boolean dryRun, boolean force) {
    StringBuilder url =
        objectUrl(kind, id)
            .append("?fieldManager=")
            .append(encode(settings.fieldManager()))
            .append("&fieldValidation=Strict");
    if (force) {
      url.append("&force=true");
    }
    if (dryRun) {
      url.append("&dryRun=All");
    }
    HttpClient http = applyClient.getHttpClient();
    HttpRequest request;
    try {
      request =
          http.newHttpRequestBuilder()
              .uri(url.toString())
              // JSON is YAML, which is what an apply patch is sent as.
              .method("PATCH", "application/apply-patch+yaml", JSON.writeValueAsString(body))
              .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + id, e);
    }
    HttpResponse<InputStream> response = send(http, request);
    try (InputStream answer = response.body()) {
      if (!response.isSuccessful()) {
        throw failure(request, response.code(), answer);
      }
      return JSON.readTree(answer);
    } catch (IOException e) {
      throw OperationSupport.requestException(request, e);
    }
  }

  /** The URL of the object {@code id} of {@code kind}. */
  private StringBuilder objectUrl(KindInfo kind, ResourceId id) {
    StringBuilder url = new StringBuilder(client.getMasterUrl().toString());
    if (url.charAt(url.length() - 1) != '/') {
      url.append('/');
    }
    url.append(kind.group().isEmpty() ? "api/" : "apis/" + kind.group() + "/")
        .append(kind.version())
        .append('/');
    if (kind.namespaced()) {
      url.append("namespaces/").append(encode(id.scope())).append('/');
    }
    return url.append(kind.plural()).append('/').append(encode(id.name()));
  }

  /**
   * Deletes the object {@code id} only if it is still exactly the one observed: same uid (not
   * re-created meanwhile) and same resourceVersion (not changed meanwhile). The server refuses
   * otherwise with HTTP 409, and nothing is deleted.
   *
   * @return false when the object was already gone
   * @throws KubernetesClientException with the server's status, e.g. 409 when a precondition failed
   */
  boolean deleteExactly(
      KindInfo kind, ResourceId id, String uid, String resourceVersion, String propagation) {
    StringBuilder url = objectUrl(kind, id);
    ObjectNode options = JSON.createObjectNode();
    options.put("apiVersion", "v1").put("kind", "DeleteOptions");
    options.put("propagationPolicy", propagation);
    ObjectNode preconditions = options.putObject("preconditions");
    if (uid != null) {
      preconditions.put("uid", uid);
    }
    if (resourceVersion != null) {
      preconditions.put("resourceVersion", resourceVersion);
    }
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(url.toString())
            .delete("application/json", options.toString())
            .build();
    HttpResponse<InputStream> response = send(http, request);
    try (InputStream body = response.body()) {
      if (response.code() == 404) {
        return false;
      }
      if (!response.isSuccessful()) {
        throw failure(request, response.code(), body);
      }
      return true;
    } catch (IOException e) {
      throw OperationSupport.requestException(request, e);
    }
  }

  /**
   * {@code --kube-version} and {@code --api-versions} arguments for {@code helm template}, so a
   * chart's {@code .Capabilities} see this cluster. Asked of the API server (2 requests) once, then
   * again only after discovery was invalidated (a CRD of ours became Established or went) or when
   * {@link #CAPABILITIES_TTL} passed (API groups others added).
   *
   * @throws TargetException when the API server cannot be asked; retryable
   */
  List<String> helmCapabilities() throws TargetException {
    Capabilities last = capabilities;
    long generation = discovery.generation();
    if (last != null
        && last.generation() == generation
        && System.nanoTime() - last.at() < CAPABILITIES_TTL.toNanos()) {
      return last.arguments();
    }
    List<String> arguments = readHelmCapabilities();
    capabilities = new Capabilities(List.copyOf(arguments), generation, System.nanoTime());
    return arguments;
  }

  /** How long the cluster's version and API groups are trusted without an invalidation. */
  static final java.time.Duration CAPABILITIES_TTL = java.time.Duration.ofMinutes(10);

  private record Capabilities(List<String> arguments, long generation, long at) {}

  private volatile Capabilities capabilities;

  private List<String> readHelmCapabilities() throws TargetException {
    try {
      List<String> arguments = new ArrayList<>();
      arguments.add("--kube-version");
      arguments.add(client.getKubernetesVersion().getGitVersion());
      arguments.add("--api-versions");
      arguments.add("v1");
      for (var group : client.getApiGroups().getGroups()) {
        for (var version : group.getVersions()) {
          arguments.add("--api-versions");
          arguments.add(version.getGroupVersion());
        }
      }
      return arguments;
    } catch (KubernetesClientException e) {
      throw Errors.observe("read the cluster's version and API groups for helm", e);
    }
  }

  /** One page of a LIST: the items, each with its kind and apiVersion, and the continue token. */
  record Page(List<ObjectNode> items, String continueToken) {}

  /**
   * One page of the objects of {@code kind} in {@code namespace}, read from the response bytes
   * straight into trees: no typed model in between, which costs a LIST of thousands of objects
   * several times more CPU than the request itself.
   *
   * @throws KubernetesClientException like the typed client: with the HTTP status and the server's
   *     {@code Status} on an error response, without a status code on a network failure
   */
  Page listPage(KindInfo kind, String namespace, long limit, String continueToken) {
    StringBuilder url = new StringBuilder(client.getMasterUrl().toString());
    if (url.charAt(url.length() - 1) != '/') {
      url.append('/');
    }
    url.append(kind.group().isEmpty() ? "api/" : "apis/" + kind.group() + "/")
        .append(kind.version())
        .append("/namespaces/")
        .append(encode(namespace))
        .append('/')
        .append(kind.plural())
        .append("?limit=")
        .append(limit);
    if (continueToken != null && !continueToken.isEmpty()) {
      url.append("&continue=").append(encode(continueToken));
    }
    HttpClient http = client.getHttpClient();
    HttpRequest request = http.newHttpRequestBuilder().uri(url.toString()).build();
    HttpResponse<InputStream> response = send(http, request);
    // Parsed as it arrives: a page of 500 objects is megabytes, and one array of that size per
    // page would be a humongous allocation that costs the garbage collector far more than parsing.
    try (InputStream body = response.body()) {
      if (!response.isSuccessful()) {
        throw failure(request, response.code(), body);
      }
      return parsePage(body, kind);
    } catch (IOException e) {
      throw OperationSupport.requestException(request, e);
    }
  }

  /** The error of a failed request, with the server's {@code Status} when it sent one. */
  private KubernetesClientException failure(HttpRequest request, int code, InputStream body) {
    String text = "";
    try {
      if (body != null) {
        text = new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      // No body to report: the status code still tells.
    }
    Status status = null;
    try {
      status = text.isBlank() ? null : JSON.readValue(text, Status.class);
    } catch (IOException | RuntimeException e) {
      // Not a Status: fall back to the code alone.
    }
    if (status == null) {
      status = OperationSupport.createStatus(code, "HTTP " + code);
    } else if (status.getCode() == null) {
      status.setCode(code);
    }
    return OperationSupport.requestFailure(request, status);
  }

  /**
   * Sends {@code request}. The client's own {@code sendAsync} already retries network failures, 429
   * and server errors with its retry settings ({@code requestRetryBackoffInterval}, {@code
   * requestRetryBackoffLimit}), as the typed client does; the pass timeout interrupts the wait.
   */
  private static HttpResponse<InputStream> send(HttpClient http, HttpRequest request) {
    try {
      return http.sendAsync(request, InputStream.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OperationSupport.requestException(request, e);
    } catch (ExecutionException e) {
      throw OperationSupport.requestException(
          request, e.getCause() instanceof Exception cause ? cause : e);
    }
  }

  /** Reads a LIST response: its {@code items} as trees and {@code metadata.continue}. */
  static Page parsePage(InputStream body, KindInfo kind) throws IOException {
    List<ObjectNode> items = new ArrayList<>();
    String continueToken = null;
    try (JsonParser parser = JSON.getFactory().createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a LIST response is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("items") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            ObjectNode item = JSON.readTree(parser);
            items.add(withKind(item, kind));
          }
        } else if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
          JsonNode metadata = JSON.readTree(parser);
          continueToken = metadata.path("continue").asText(null);
        } else {
          parser.skipChildren();
        }
      }
    }
    return new Page(items, continueToken);
  }

  /** Items of a list lack kind and apiVersion; put them back, first, for comparison. */
  static ObjectNode withKind(ObjectNode item, KindInfo kind) {
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", kind.apiVersion());
    out.put("kind", kind.kind());
    item.properties()
        .iterator()
        .forEachRemaining(
            field -> {
              if (!field.getKey().equals("apiVersion") && !field.getKey().equals("kind")) {
                out.set(field.getKey(), field.getValue());
              }
            });
    return out;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static JsonNode toJson(GenericKubernetesResource resource) {
    return resource == null ? null : JSON.valueToTree(resource);
  }

  static boolean isSecret(ResourceId id) {
    return id.kind().equals("Secret") || id.kind().endsWith("/Secret");
  }

  static String group(String qualifiedKind) {
    int slash = qualifiedKind.lastIndexOf('/');
    return slash < 0 ? "" : qualifiedKind.substring(0, slash);
  }
}
