package dev.gitops4j.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.source.internal.SemverRange;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How an application's revision is rendered with {@code helm template}: the chart, the release name
 * and namespace, and the values. Hand it to {@link KubernetesTarget#target(String, HelmRelease)}.
 *
 * <p>Values are merged in this order, later wins (as {@code helm -f a -f b --set ...}): the chart's
 * own {@code values.yaml}, then each {@link Builder#valuesFile values file} of the revision in the
 * order given, then the {@link Builder#values inline values}, then the values {@link
 * Builder#valuesFrom computed by the embedding service} at render time.
 *
 * <p>The chart comes from a folder of the revision ({@link #chartInRevision}), an HTTP Helm
 * repository ({@link #chartFromRepository}) or an OCI registry ({@link #chartFromRegistry}). A
 * chart from a repository or registry is downloaded once per digest into the target's chart cache
 * and verified against the digest the repository announces; which chart was rendered (name,
 * version, digest) is recorded in the history of each pass.
 */
public final class HelmRelease {

  private static final Pattern RELEASE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern CHART_NAME = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.]*");
  private static final Pattern OCI =
      Pattern.compile(
          "oci://([^/@:]+(?::\\d+)?)/([a-z0-9]+(?:[._/-][a-z0-9]+)*)"
              + "(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[0-9a-f]{64}))");

  /** Where the chart comes from. */
  public enum ChartSource {
    /** A folder of the revision. */
    REVISION,
    /** An HTTP Helm repository ({@code index.yaml}). */
    REPOSITORY,
    /** An OCI registry ({@code oci://}). */
    REGISTRY
  }

  private final ChartSource source;
  private final String chartPath;
  private final URI repository;
  private final String chart;
  private final String versionConstraint;
  private final String reference;
  private final ChartCredentials credentials;
  private final Duration refreshInterval;
  private final boolean plainHttp;
  private final String releaseName;
  private final String namespace;
  private final List<String> valuesFiles;
  private final ObjectNode values;
  private final Supplier<JsonNode> valuesFrom;

  private HelmRelease(Builder builder) {
    this.source = builder.source;
    this.chartPath = builder.chartPath;
    this.repository = builder.repository;
    this.chart = builder.chart;
    this.versionConstraint = builder.versionConstraint;
    this.reference = builder.reference;
    this.credentials = builder.credentials;
    this.refreshInterval = builder.refreshInterval;
    this.plainHttp = builder.plainHttp;
    this.releaseName = builder.releaseName;
    this.namespace = builder.namespace;
    this.valuesFiles = List.copyOf(builder.valuesFiles);
    this.values = builder.values.deepCopy();
    this.valuesFrom = builder.valuesFrom;
  }

  /**
   * A release of the chart in folder {@code chartPath} of the revision ({@code "."} for the root),
   * named {@code releaseName}.
   */
  public static Builder chartInRevision(String chartPath, String releaseName) {
    Builder builder = new Builder(ChartSource.REVISION, releaseName);
    builder.chartPath = relative(Objects.requireNonNull(chartPath, "chartPath"), "chartPath");
    return builder;
  }

  /**
   * A release of chart {@code chart} of the HTTP Helm repository at {@code repository} (the URL its
   * {@code index.yaml} is under), in the highest version that {@code versionConstraint} allows
   * (npm-style semver ranges: {@code 1.2.3}, {@code ^1.2}, {@code ~1.2.0}, {@code >=1.0 <2}, {@code
   * 1.x}, {@code *}; pre-releases only when the range names one).
   *
   * @throws IllegalArgumentException when the URL is not http(s) or the constraint cannot be parsed
   */
  public static Builder chartFromRepository(
      URI repository, String chart, String versionConstraint, String releaseName) {
    Objects.requireNonNull(repository, "repository");
    String scheme = String.valueOf(repository.getScheme()).toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || repository.getHost() == null) {
      throw new IllegalArgumentException(
          "repository " + repository + " must be an http:// or https:// URL");
    }
    if (repository.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "repository URL must not hold credentials; use credentials(ChartCredentials...)");
    }
    Objects.requireNonNull(chart, "chart");
    if (!CHART_NAME.matcher(chart).matches()) {
      throw new IllegalArgumentException("'" + chart + "' is not a chart name");
    }
    Objects.requireNonNull(versionConstraint, "versionConstraint");
    SemverRange.parse(versionConstraint);
    Builder builder = new Builder(ChartSource.REPOSITORY, releaseName);
    String text = repository.toString();
    builder.repository = URI.create(text.endsWith("/") ? text : text + "/");
    builder.chart = chart;
    builder.versionConstraint = versionConstraint.strip();
    return builder;
  }

  /**
   * A release of the chart at {@code reference} in an OCI registry, {@code
   * oci://host[:port]/path/chart:tag} or {@code oci://host[:port]/path/chart@sha256:<digest>}. A
   * digest never moves; a tag is resolved again every {@link Builder#refreshEvery refresh
   * interval}.
   *
   * @throws IllegalArgumentException when the reference has no tag or digest or cannot be parsed
   */
  public static Builder chartFromRegistry(String reference, String releaseName) {
    Objects.requireNonNull(reference, "reference");
    if (!OCI.matcher(reference).matches()) {
      throw new IllegalArgumentException(
          "'"
              + reference
              + "' is not an OCI chart reference: oci://host[:port]/path/chart:tag or"
              + " oci://host[:port]/path/chart@sha256:<64 hex>");
    }
    Builder builder = new Builder(ChartSource.REGISTRY, releaseName);
    builder.reference = reference;
    builder.chart = reference.replaceFirst("[:@][^/]*$", "").replaceFirst(".*/", "");
    return builder;
  }

  /** Where the chart comes from. */
  public ChartSource source() {
    return source;
  }

  /**
   * Folder of the chart in the revision, without leading or trailing slash; "" for the root. Empty
   * for a chart from a repository or registry.
   */
  public String chartPath() {
    return chartPath;
  }

  /** URL of the Helm repository (ends with a slash), or null when the chart is not from one. */
  public URI repository() {
    return repository;
  }

  /** Chart name in the repository or registry, or null for a chart of the revision. */
  public String chart() {
    return chart;
  }

  /** Semver constraint on the repository chart's version, or null. */
  public String versionConstraint() {
    return versionConstraint;
  }

  /** The {@code oci://} reference, or null when the chart is not from a registry. */
  public String reference() {
    return reference;
  }

  /** Credentials for the repository or registry, or null for none. */
  public ChartCredentials credentials() {
    return credentials;
  }

  /** How long a resolved version or tag is trusted before the repository is asked again. */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** Whether the registry is spoken to over plain HTTP rather than HTTPS. */
  public boolean plainHttp() {
    return plainHttp;
  }

  public String releaseName() {
    return releaseName;
  }

  /** The release namespace, or empty for the target's default namespace. */
  public String namespace() {
    return namespace;
  }

  /** Values files of the revision, relative to its root, in merge order. */
  public List<String> valuesFiles() {
    return valuesFiles;
  }

  /** Inline values, merged after the values files. */
  public ObjectNode values() {
    return values.deepCopy();
  }

  /** Values computed by the embedding service at each render, merged last; may be null. */
  public Supplier<JsonNode> valuesFrom() {
    return valuesFrom;
  }

  /** Builder for {@link HelmRelease}; every setter checks its input at once. */
  public static final class Builder {
    private final ChartSource source;
    private String chartPath = "";
    private URI repository;
    private String chart;
    private String versionConstraint;
    private String reference;
    private ChartCredentials credentials;
    private Duration refreshInterval = Duration.ofMinutes(5);
    private boolean plainHttp;
    private final String releaseName;
    private String namespace = "";
    private final List<String> valuesFiles = new ArrayList<>();
    private ObjectNode values =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    private Supplier<JsonNode> valuesFrom;

    private Builder(ChartSource source, String releaseName) {
      this.source = source;
      Objects.requireNonNull(releaseName, "releaseName");
      if (releaseName.length() > 53 || !RELEASE_NAME.matcher(releaseName).matches()) {
        throw new IllegalArgumentException(
            "release name "
                + releaseName
                + " must be at most 53 lowercase letters, digits and '-', starting and ending"
                + " with a letter or digit");
      }
      this.releaseName = releaseName;
    }

    /** The release namespace; objects without a namespace go there. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** Adds a values file of the revision (path from its root); later files win. */
    public Builder valuesFile(String path) {
      valuesFiles.add(relative(Objects.requireNonNull(path, "path"), "values file"));
      return this;
    }

    /** Inline values (a JSON/YAML object), merged after the values files. */
    public Builder values(ObjectNode values) {
      this.values = Objects.requireNonNull(values, "values").deepCopy();
      return this;
    }

    /**
     * Values the embedding service computes at each render (an object node), merged last. Called on
     * the rendering thread; a failure fails the render.
     */
    public Builder valuesFrom(Supplier<JsonNode> valuesFrom) {
      this.valuesFrom = Objects.requireNonNull(valuesFrom, "valuesFrom");
      return this;
    }

    /**
     * Credentials for the repository or registry, from environment variables or files. Sent only to
     * the repository's own host: chart URLs of an index that point elsewhere get none.
     *
     * @throws IllegalStateException for a chart of the revision
     */
    public Builder credentials(ChartCredentials credentials) {
      if (source == ChartSource.REVISION) {
        throw new IllegalStateException("a chart of the revision needs no credentials");
      }
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * How long a resolved chart version (repository) or tag (registry) is trusted before the index
     * or tag is read again (default 5 minutes); passes in between make no request. {@link
     * Duration#ZERO} reads it at every pass. A chart pinned by digest is never read again.
     */
    public Builder refreshEvery(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("refresh interval must not be negative");
      }
      this.refreshInterval = interval;
      return this;
    }

    /**
     * Speaks to the OCI registry over plain HTTP instead of HTTPS (as {@code helm --plain-http});
     * for registries on a trusted local network.
     *
     * @throws IllegalStateException when the chart is not from a registry
     */
    public Builder plainHttp() {
      if (source != ChartSource.REGISTRY) {
        throw new IllegalStateException("plainHttp() applies to charts from an OCI registry");
      }
      this.plainHttp = true;
      return this;
    }

    public HelmRelease build() {
      return new HelmRelease(this);
    }
  }

  private static String relative(String path, String what) {
    String trimmed = path.strip();
    while (trimmed.startsWith("./")) {
      trimmed = trimmed.substring(2);
    }
    if (trimmed.equals(".")) {
      trimmed = "";
    }
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (trimmed.startsWith("/") || List.of(trimmed.split("/")).contains("..")) {
      throw new IllegalArgumentException(what + " " + path + " must stay inside the revision");
    }
    return trimmed;
  }
}
