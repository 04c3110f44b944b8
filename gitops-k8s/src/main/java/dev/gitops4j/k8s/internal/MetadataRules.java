package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Problem;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API server's rules for names, namespaces, label and annotation keys and label values, checked
 * before anything is sent, so the common mistakes are reported with their file and line at once.
 * Kinds whose name rule is not known here get only the rule every kind shares (a valid path
 * segment); the server's dry run catches the rest.
 */
final class MetadataRules {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final int LABEL_MAX = 63;
  private static final int SUBDOMAIN_MAX = 253;

  private enum NameRule {
    DNS_LABEL,
    DNS_1035_LABEL,
    DNS_SUBDOMAIN,
    PATH_SEGMENT
  }

  /** Name rules of built-in kinds ({@code group/Kind}, core kinds without a group). */
  private static final Map<String, NameRule> NAME_RULES =
      Map.ofEntries(
          Map.entry("Namespace", NameRule.DNS_LABEL),
          Map.entry("Service", NameRule.DNS_1035_LABEL),
          Map.entry("ConfigMap", NameRule.DNS_SUBDOMAIN),
          Map.entry("Secret", NameRule.DNS_SUBDOMAIN),
          Map.entry("ServiceAccount", NameRule.DNS_SUBDOMAIN),
          Map.entry("Pod", NameRule.DNS_SUBDOMAIN),
          Map.entry("PersistentVolumeClaim", NameRule.DNS_SUBDOMAIN),
          Map.entry("PersistentVolume", NameRule.DNS_SUBDOMAIN),
          Map.entry("LimitRange", NameRule.DNS_SUBDOMAIN),
          Map.entry("ResourceQuota", NameRule.DNS_SUBDOMAIN),
          Map.entry("apps/Deployment", NameRule.DNS_SUBDOMAIN),
          Map.entry("apps/StatefulSet", NameRule.DNS_SUBDOMAIN),
          Map.entry("apps/DaemonSet", NameRule.DNS_SUBDOMAIN),
          Map.entry("apps/ReplicaSet", NameRule.DNS_SUBDOMAIN),
          Map.entry("batch/Job", NameRule.DNS_SUBDOMAIN),
          Map.entry("batch/CronJob", NameRule.DNS_SUBDOMAIN),
          Map.entry("networking.k8s.io/Ingress", NameRule.DNS_SUBDOMAIN),
          Map.entry("networking.k8s.io/NetworkPolicy", NameRule.DNS_SUBDOMAIN),
          Map.entry("policy/PodDisruptionBudget", NameRule.DNS_SUBDOMAIN),
          Map.entry("autoscaling/HorizontalPodAutoscaler", NameRule.DNS_SUBDOMAIN),
          Map.entry("storage.k8s.io/StorageClass", NameRule.DNS_SUBDOMAIN),
          Map.entry("scheduling.k8s.io/PriorityClass", NameRule.DNS_SUBDOMAIN),
          Map.entry("apiextensions.k8s.io/CustomResourceDefinition", NameRule.DNS_SUBDOMAIN));

  private static final Set<String> PATH_SEGMENT_FORBIDDEN = Set.of(".", "..");

  private MetadataRules() {}

  /** Adds a problem for each rule {@code resource}'s metadata breaks. */
  static void check(DesiredResource resource, List<Problem> problems) {
    JsonNode metadata = resource.body().path("metadata");
    String kind = resource.id().kind();
    String name = resource.id().name();
    String nameError = nameError(NAME_RULES.getOrDefault(kind, NameRule.PATH_SEGMENT), name);
    if (nameError != null) {
      problems.add(
          problem(resource, "metadata.name \"" + name + "\" is not a valid name: " + nameError));
    }
    String namespace = resource.id().scope();
    if (namespace != null && nameError(NameRule.DNS_LABEL, namespace) != null) {
      problems.add(
          problem(
              resource,
              "metadata.namespace \""
                  + namespace
                  + "\" is not a valid namespace: "
                  + nameError(NameRule.DNS_LABEL, namespace)));
    }
    checkMap(resource, metadata.path("labels"), "metadata.labels", true, problems);
    checkMap(resource, metadata.path("annotations"), "metadata.annotations", false, problems);
  }

  private static void checkMap(
      DesiredResource resource,
      JsonNode map,
      String where,
      boolean labels,
      List<Problem> problems) {
    if (!map.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> entries = map.properties().iterator();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String keyError = keyError(entry.getKey());
      if (keyError != null) {
        problems.add(
            problem(resource, where + " key \"" + entry.getKey() + "\" is not valid: " + keyError));
      }
      if (labels && entry.getValue().isTextual()) {
        String value = entry.getValue().asText();
        String valueError = labelValueError(value);
        if (valueError != null) {
          problems.add(
              problem(
                  resource,
                  where
                      + "."
                      + entry.getKey()
                      + " value \""
                      + value
                      + "\" is not a valid label value: "
                      + valueError));
        }
      }
    }
  }

  private static String nameError(NameRule rule, String name) {
    switch (rule) {
      case DNS_LABEL:
        return name.length() > LABEL_MAX || !DNS_LABEL.matcher(name).matches()
            ? "at most 63 characters of lowercase letters, digits and '-', starting and ending"
                + " with a letter or digit"
            : null;
      case DNS_1035_LABEL:
        return name.length() > LABEL_MAX || !DNS_1035_LABEL.matcher(name).matches()
            ? "at most 63 characters of lowercase letters, digits and '-', starting with a letter"
                + " and ending with a letter or digit"
            : null;
      case DNS_SUBDOMAIN:
        return subdomainError(name);
      default:
        if (name.isEmpty() || name.length() > SUBDOMAIN_MAX) {
          return "must have 1 to 253 characters";
        }
        if (PATH_SEGMENT_FORBIDDEN.contains(name) || name.contains("/") || name.contains("%")) {
          return "must not be '.' or '..' and must not contain '/' or '%'";
        }
        return null;
    }
  }

  private static String subdomainError(String name) {
    return name.length() > SUBDOMAIN_MAX || !DNS_SUBDOMAIN.matcher(name).matches()
        ? "at most 253 characters of lowercase letters, digits, '-' and '.', starting and ending"
            + " with a letter or digit"
        : null;
  }

  /** Label and annotation keys: an optional DNS subdomain prefix and '/', then a short name. */
  private static String keyError(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || subdomainError(prefix) != null) {
        return "the prefix before '/' must be a DNS subdomain";
      }
    }
    if (name.isEmpty() || name.length() > LABEL_MAX || !QUALIFIED_NAME.matcher(name).matches()) {
      return "the name must have 1 to 63 characters of letters, digits, '-', '_' and '.',"
          + " starting and ending with a letter or digit";
    }
    return null;
  }

  private static String labelValueError(String value) {
    if (value.isEmpty()) {
      return null;
    }
    return value.length() > LABEL_MAX || !QUALIFIED_NAME.matcher(value).matches()
        ? "at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a"
            + " letter or digit"
        : null;
  }

  private static Problem problem(DesiredResource resource, String message) {
    return new Problem(resource.origin(), resource.id() + ": " + message);
  }
}
