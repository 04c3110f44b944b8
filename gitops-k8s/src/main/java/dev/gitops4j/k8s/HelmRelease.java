package dev.gitops4j.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 */
public final class HelmRelease {

  private static final Pattern RELEASE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final String chartPath;
  private final String releaseName;
  private final String namespace;
  private final List<String> valuesFiles;
  private final ObjectNode values;
  private final Supplier<JsonNode> valuesFrom;

  private HelmRelease(Builder builder) {
    this.chartPath = builder.chartPath;
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
    return new Builder(chartPath, releaseName);
  }

  /** Folder of the chart in the revision, without leading or trailing slash; "" for the root. */
  public String chartPath() {
    return chartPath;
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
    private final String chartPath;
    private final String releaseName;
    private String namespace = "";
    private final List<String> valuesFiles = new ArrayList<>();
    private ObjectNode values =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    private Supplier<JsonNode> valuesFrom;

    private Builder(String chartPath, String releaseName) {
      this.chartPath = relative(Objects.requireNonNull(chartPath, "chartPath"), "chartPath");
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

    public HelmRelease build() {
      return new HelmRelease(this);
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
}
