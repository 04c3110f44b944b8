package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.TargetException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns API errors into {@link TargetException}s. Messages are built from the status reason, the
 * server's message and the field names of its causes, never from request or object bodies; for
 * Secrets the server's message is left out too, since validation messages may quote values.
 */
public final class Errors {

  private static final Pattern MANAGER = Pattern.compile("conflict with \"([^\"]+)\"");
  private static final int MAX_MESSAGE = 600;

  private Errors() {}

  /** Network failures, timeouts, throttling and server errors: a retry may help. */
  public static boolean isTransient(KubernetesClientException e) {
    int code = e.getCode();
    return (code < 100 || code == 408 || code == 429 || code >= 500) && !isUntypablePatch(e);
  }

  /**
   * A server-side apply body that does not fit the schema (a string where a number belongs, a field
   * the schema does not declare) is answered with HTTP 500 "failed to create typed patch object":
   * an error of the request, not of the server, which no retry fixes.
   */
  static boolean isUntypablePatch(KubernetesClientException e) {
    return e.getCode() == 500
        && e.getStatus() != null
        && contains(e.getStatus().getMessage(), "failed to create typed patch object");
  }

  public static TargetException observe(String what, KubernetesClientException e) {
    return new TargetException(
        "cannot " + what + ": " + describe(e, false), isTransient(e) || e.getCode() == 409, e);
  }

  /** Immutable-field rejections: only a delete and re-create can apply the change. */
  public static boolean isImmutable(KubernetesClientException e) {
    if (e.getCode() != 422 || e.getStatus() == null) {
      return false;
    }
    if (contains(e.getStatus().getMessage(), "field is immutable")) {
      return true;
    }
    return causes(e.getStatus()).stream().anyMatch(c -> contains(c.getMessage(), "immutable"));
  }

  /** A request the caller's RBAC rights do not allow (not an admission denial, also 403). */
  public static boolean isRbacRefusal(KubernetesClientException e) {
    return e.getCode() == 403
        && e.getStatus() != null
        && contains(e.getStatus().getMessage(), "is forbidden: User ");
  }

  /** A namespaced object refused because its namespace does not exist (yet). */
  public static boolean isMissingNamespace(KubernetesClientException e) {
    Status status = e.getStatus();
    return e.getCode() == 404
        && status != null
        && status.getDetails() != null
        && "namespaces".equals(status.getDetails().getKind());
  }

  /** Other field managers named by a server-side apply conflict, or empty. */
  public static List<String> conflictingManagers(KubernetesClientException e) {
    if (e.getCode() != 409 || e.getStatus() == null) {
      return List.of();
    }
    Set<String> managers = new LinkedHashSet<>();
    for (StatusCause cause : causes(e.getStatus())) {
      if ("FieldManagerConflict".equals(cause.getReason())) {
        Matcher m = MANAGER.matcher(String.valueOf(cause.getMessage()));
        managers.add(m.find() ? m.group(1) : "another manager");
      }
    }
    if (managers.isEmpty()) {
      Matcher m = MANAGER.matcher(String.valueOf(e.getStatus().getMessage()));
      while (m.find()) {
        managers.add(m.group(1));
      }
    }
    return List.copyOf(managers);
  }

  /** The fields named by a status's causes, e.g. {@code .spec.selector}. */
  public static List<String> fields(KubernetesClientException e) {
    List<String> fields = new ArrayList<>();
    if (e.getStatus() != null) {
      for (StatusCause cause : causes(e.getStatus())) {
        if (cause.getField() != null && !fields.contains(cause.getField())) {
          fields.add(cause.getField());
        }
      }
    }
    return fields;
  }

  /**
   * {@code HTTP 422 Invalid: message (fields a, b)}; for secrets only the code, reason and fields.
   */
  public static String describe(KubernetesClientException e, boolean secret) {
    StringBuilder out = new StringBuilder();
    Status status = e.getStatus();
    if (e.getCode() < 100) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      out.append("no response from the API server (").append(root.getClass().getSimpleName());
      if (root.getMessage() != null && !secret) {
        out.append(": ").append(truncate(root.getMessage()));
      }
      return out.append(')').toString();
    }
    out.append("HTTP ").append(e.getCode());
    if (status != null && status.getReason() != null) {
      out.append(' ').append(status.getReason());
    }
    if (!secret && status != null && status.getMessage() != null) {
      out.append(": ").append(truncate(status.getMessage()));
    }
    List<String> fields = fields(e);
    if (secret && !fields.isEmpty()) {
      out.append(" (fields ").append(String.join(", ", fields)).append(')');
    }
    return out.toString();
  }

  private static List<StatusCause> causes(Status status) {
    return status.getDetails() == null || status.getDetails().getCauses() == null
        ? List.of()
        : status.getDetails().getCauses();
  }

  private static boolean contains(String text, String part) {
    return text != null && text.contains(part);
  }

  private static String truncate(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
  }
}
