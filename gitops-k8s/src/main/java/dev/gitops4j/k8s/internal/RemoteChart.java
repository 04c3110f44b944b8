package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.k8s.ChartCredentials;
import dev.gitops4j.k8s.HelmRelease;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.internal.SemverRange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The chart of a {@link HelmRelease} from an HTTP Helm repository or an OCI registry: resolved to a
 * name, version and digest, downloaded once per digest into the chart cache and verified against
 * the digest the repository announces. A resolution is trusted for the release's refresh interval
 * (a chart pinned by digest for ever), so passes in between ask nothing of the repository.
 */
final class RemoteChart {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteChart.class);

  /** Largest index or chart archive read, as any renderer output. */
  static final long MAX_BYTES = RenderTools.MAX_OUTPUT;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
  private static final Pattern OCI =
      Pattern.compile("oci://([^/]+)/(.+?)(?::([^:/@]+)|@(sha256:[0-9a-f]{64}))");
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private static final ObjectMapper YAML;

  static {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) MAX_BYTES);
    YAML = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
  }

  /**
   * A chart as rendered.
   *
   * @param name chart name
   * @param version chart version
   * @param digest {@code sha256:...} of the archive (repository) or of the manifest (registry)
   * @param location the repository URL or {@code oci://} repository
   * @param archive the verified {@code .tgz} in the chart cache
   */
  record Resolved(String name, String version, String digest, String location, Path archive) {
    /** What the history records, e.g. {@code chart shop 1.2.0 sha256:... from https://...}. */
    String describe() {
      return "chart " + name + " " + version + " " + digest + " from " + location;
    }
  }

  private final HelmRelease release;
  private final Path cache;
  private final HttpClient http;
  private final LongSupplier nanoTime;
  private Resolved current;
  private long resolvedAt;

  RemoteChart(HelmRelease release, Path cache, LongSupplier nanoTime) {
    this.release = release;
    this.cache = cache;
    this.nanoTime = nanoTime;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            // Redirects are followed by send(), which drops credentials on the way to another host.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The chart to render now: the last resolution while it is fresh, else a new one. */
  synchronized Resolved resolve() throws InvalidDesiredStateException, TargetException {
    boolean pinned = release.reference() != null && release.reference().contains("@sha256:");
    if (current != null
        && (pinned || nanoTime.getAsLong() - resolvedAt < release.refreshInterval().toNanos())) {
      return current;
    }
    Resolved next =
        release.source() == HelmRelease.ChartSource.REPOSITORY ? fromRepository() : fromRegistry();
    if (current != null && !current.equals(next)) {
      LOG.info("{} resolves to {} (was {})", where(), next.describe(), current.describe());
    }
    current = next;
    resolvedAt = nanoTime.getAsLong();
    return next;
  }

  private String where() {
    return release.source() == HelmRelease.ChartSource.REPOSITORY
        ? release.repository() + " chart " + release.chart() + " " + release.versionConstraint()
        : release.reference();
  }

  // ---- HTTP Helm repository -------------------------------------------------------------------

  private Resolved fromRepository() throws InvalidDesiredStateException, TargetException {
    URI indexUrl = release.repository().resolve("index.yaml");
    Origin origin = Origin.of(indexUrl.toString(), 0);
    byte[] bytes = get(indexUrl, "*/*", origin, sameHost(indexUrl));
    JsonNode index;
    try {
      index = YAML.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid(origin, "not a Helm repository index: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(origin, "not a Helm repository index: " + e.getMessage());
    }
    JsonNode entries = index == null ? null : index.path("entries").get(release.chart());
    if (entries == null || !entries.isArray() || entries.isEmpty()) {
      List<String> names = new ArrayList<>();
      if (index != null) {
        index.path("entries").fieldNames().forEachRemaining(names::add);
      }
      throw invalid(
          origin, "no chart " + release.chart() + " in the index (charts: " + names + ")");
    }
    Map<SemverRange.Version, JsonNode> byVersion = new LinkedHashMap<>();
    for (JsonNode entry : entries) {
      SemverRange.Version.tryParse(entry.path("version").asText(""))
          .ifPresent(v -> byVersion.putIfAbsent(v, entry));
    }
    SemverRange range = SemverRange.parse(release.versionConstraint());
    SemverRange.Version best =
        range
            .best(byVersion.keySet())
            .orElseThrow(
                () ->
                    invalid(
                        origin,
                        "no version of chart "
                            + release.chart()
                            + " matches '"
                            + release.versionConstraint()
                            + "' (versions: "
                            + byVersion.keySet().stream().map(Object::toString).toList()
                            + ")"));
    JsonNode entry = byVersion.get(best);
    String version = entry.path("version").asText();
    String digest = entry.path("digest").asText("").toLowerCase(java.util.Locale.ROOT);
    if (!digest.matches("[0-9a-f]{64}")) {
      throw invalid(
          origin,
          "chart "
              + release.chart()
              + " "
              + version
              + " has no sha256 digest in the index;"
              + " it cannot be verified");
    }
    String url = entry.path("urls").path(0).asText("");
    if (url.isEmpty()) {
      throw invalid(origin, "chart " + release.chart() + " " + version + " has no URL");
    }
    URI archiveUrl = release.repository().resolve(url);
    Path archive =
        cached(
            "sha256:" + digest,
            () -> get(archiveUrl, "*/*", origin, sameHost(archiveUrl)),
            archiveUrl + " (" + release.chart() + " " + version + ", digest from index.yaml)",
            origin);
    return new Resolved(
        release.chart(), version, "sha256:" + digest, release.repository().toString(), archive);
  }

  private boolean sameHost(URI url) {
    URI repository = release.repository();
    return Objects.equals(url.getScheme(), repository.getScheme())
        && Objects.equals(url.getHost(), repository.getHost())
        && url.getPort() == repository.getPort();
  }

  // ---- OCI registry ---------------------------------------------------------------------------

  private Resolved fromRegistry() throws InvalidDesiredStateException, TargetException {
    Matcher m = OCI.matcher(release.reference());
    if (!m.matches()) {
      throw new IllegalStateException("reference checked by HelmRelease: " + release.reference());
    }
    String host = m.group(1);
    String repository = m.group(2);
    String tag = m.group(3);
    String pinned = m.group(4);
    String base = (release.plainHttp() ? "http://" : "https://") + host + "/v2/" + repository;
    Origin origin = Origin.of(release.reference(), 0);
    Registry registry = new Registry(repository, origin);
    byte[] manifest =
        registry.get(URI.create(base + "/manifests/" + (tag != null ? tag : pinned)), OCI_MANIFEST);
    String manifestDigest = sha256(manifest);
    if (pinned != null && !pinned.equals(manifestDigest)) {
      throw invalid(
          origin,
          "digest mismatch: the registry's manifest has "
              + manifestDigest
              + ", the reference pins "
              + pinned
              + "; not rendered");
    }
    JsonNode tree;
    try {
      tree = Cluster.JSON.readTree(manifest);
    } catch (IOException e) {
      throw invalid(origin, "the registry's manifest is not JSON: " + e.getMessage());
    }
    JsonNode layer = null;
    for (JsonNode candidate : tree.path("layers")) {
      if (HELM_LAYER.equals(candidate.path("mediaType").asText())) {
        layer = candidate;
      }
    }
    if (layer == null) {
      throw invalid(origin, "not a Helm chart: the manifest has no layer of type " + HELM_LAYER);
    }
    String layerDigest = layer.path("digest").asText("");
    if (!layerDigest.matches("sha256:[0-9a-f]{64}")) {
      throw invalid(origin, "the chart layer has no sha256 digest");
    }
    JsonNode annotations = tree.path("annotations");
    String name = annotations.path("org.opencontainers.image.title").asText(release.chart());
    String version =
        annotations.path("org.opencontainers.image.version").asText(tag == null ? "" : tag);
    Path archive =
        cached(
            layerDigest,
            () -> registry.get(URI.create(base + "/blobs/" + layerDigest), "*/*"),
            release.reference() + " chart layer (digest from the manifest)",
            origin);
    return new Resolved(name, version, manifestDigest, "oci://" + host + "/" + repository, archive);
  }

  /** Requests to one registry repository, with the bearer token its challenge asks for. */
  private final class Registry {
    private final String repository;
    private final Origin origin;
    private String token;

    Registry(String repository, Origin origin) {
      this.repository = repository;
      this.origin = origin;
    }

    byte[] get(URI url, String accept) throws InvalidDesiredStateException, TargetException {
      HttpResponse<InputStream> response = send(url, accept, authorization());
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      if (response.statusCode() == 401
          && token == null
          && challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
        discard(response);
        token = token(challenge);
        response = send(url, accept, "Bearer " + token);
      }
      return body(url, response, origin);
    }

    private String authorization() throws TargetException {
      if (token != null) {
        return "Bearer " + token;
      }
      return credentials();
    }

    /** The token exchange of the Docker/OCI distribution spec: GET realm?service&scope. */
    private String token(String challenge) throws InvalidDesiredStateException, TargetException {
      Map<String, String> params = new LinkedHashMap<>();
      Matcher p = CHALLENGE_PARAM.matcher(challenge);
      while (p.find()) {
        params.put(p.group(1).toLowerCase(java.util.Locale.ROOT), p.group(2));
      }
      String realm = params.get("realm");
      if (realm == null) {
        throw invalid(origin, "the registry's authentication challenge names no realm");
      }
      StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
      if (params.containsKey("service")) {
        url.append("service=").append(encode(params.get("service"))).append('&');
      }
      url.append("scope=")
          .append(encode(params.getOrDefault("scope", "repository:" + repository + ":pull")));
      URI tokenUrl = URI.create(url.toString());
      String basic =
          release.credentials() != null && !release.credentials().isBearer() ? credentials() : null;
      byte[] answer = body(tokenUrl, send(tokenUrl, "application/json", basic), origin);
      try {
        JsonNode json = Cluster.JSON.readTree(answer);
        String value = json.path("token").asText(json.path("access_token").asText(""));
        if (value.isEmpty()) {
          throw invalid(origin, "the registry's token service answered no token");
        }
        return value;
      } catch (IOException e) {
        throw invalid(origin, "the registry's token service answered no JSON");
      }
    }
  }

  // ---- HTTP and cache -------------------------------------------------------------------------

  private interface Download {
    byte[] get() throws InvalidDesiredStateException, TargetException;
  }

  /**
   * The archive of {@code digest} in the cache, downloaded and verified first if missing. A cached
   * file is verified too (it is small, and read once per resolution).
   */
  private Path cached(String digest, Download download, String what, Origin origin)
      throws InvalidDesiredStateException, TargetException {
    Path file = cache.resolve(digest.replace(':', '-') + ".tgz");
    try {
      if (Files.isRegularFile(file) && digest.equals(sha256(Files.readAllBytes(file)))) {
        return file;
      }
      byte[] bytes = download.get();
      String actual = sha256(bytes);
      if (!actual.equals(digest)) {
        throw invalid(
            origin,
            "digest mismatch: "
                + what
                + " should be "
                + digest
                + " but the download is "
                + actual
                + "; not rendered");
      }
      Files.createDirectories(cache);
      Path temp = Files.createTempFile(cache, ".download-", ".tgz");
      Files.write(temp, bytes);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new TargetException("cannot use the chart cache " + cache + ": " + e, true, e);
    }
  }

  private static String sha256(byte[] bytes) {
    return "sha256:" + Digests.sha256Hex(bytes);
  }

  private byte[] get(URI url, String accept, Origin origin, boolean withCredentials)
      throws InvalidDesiredStateException, TargetException {
    return body(url, send(url, accept, withCredentials ? credentials() : null), origin);
  }

  private String credentials() throws TargetException {
    ChartCredentials credentials = release.credentials();
    if (credentials == null) {
      return null;
    }
    try {
      return credentials.authorization();
    } catch (IOException e) {
      throw new TargetException(
          "cannot read the credentials (" + credentials + "): " + e.getMessage(), false, null);
    }
  }

  private HttpResponse<InputStream> send(URI url, String accept, String authorization)
      throws TargetException {
    URI next = url;
    String auth = authorization;
    for (int redirects = 0; ; redirects++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(next).timeout(REQUEST_TIMEOUT).header("Accept", accept).GET();
      if (auth != null) {
        request.header("Authorization", auth);
      }
      HttpResponse<InputStream> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new TargetException("cannot reach " + next + ": " + e, true, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TargetException("interrupted while fetching " + next, true, e);
      }
      int status = response.statusCode();
      var location = response.headers().firstValue("Location");
      if (!List.of(301, 302, 303, 307, 308).contains(status) || location.isEmpty()) {
        return response;
      }
      discard(response);
      if (redirects == 5) {
        throw new TargetException(url + ": more than 5 redirects", false, null);
      }
      URI target = next.resolve(location.get());
      if (!Objects.equals(target.getHost(), next.getHost())
          || target.getPort() != next.getPort()
          || !Objects.equals(target.getScheme(), next.getScheme())) {
        auth = null; // e.g. a registry's blob store: signed URLs, and no secret of ours
      }
      next = target;
    }
  }

  private byte[] body(URI url, HttpResponse<InputStream> response, Origin origin)
      throws InvalidDesiredStateException, TargetException {
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      discard(response);
      ChartCredentials credentials = release.credentials();
      throw new TargetException(
          url
              + " refused access (HTTP "
              + status
              + "): "
              + (credentials == null
                  ? "it needs credentials; set them with HelmRelease.Builder.credentials(...)"
                  : "the credentials (" + credentials + ") were rejected"),
          false,
          null);
    }
    if (status == 404) {
      discard(response);
      throw invalid(origin, url + " not found (HTTP 404)");
    }
    if (status / 100 != 2) {
      discard(response);
      throw new TargetException(
          url + " answered HTTP " + status, status >= 500 || status == 429, null);
    }
    // The request timeout ends with the response headers: the body gets one of its own.
    InputStream in = response.body();
    try {
      return RenderTools.drain(in, url.toString())
          .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TargetException("reading " + url + " took over " + REQUEST_TIMEOUT, true, e);
    } catch (ExecutionException e) {
      throw new TargetException("cannot read " + url + ": " + e.getCause().getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException("interrupted while reading " + url, true, e);
    } finally {
      try {
        in.close();
      } catch (IOException e) {
        // Closing cancels a read still under way; nothing more to do.
      }
    }
  }

  private static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.readNBytes(64 * 1024);
    } catch (IOException e) {
      // The connection is dropped instead of reused.
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static InvalidDesiredStateException invalid(Origin origin, String message) {
    return new InvalidDesiredStateException(new Problem(origin, message));
  }
}
