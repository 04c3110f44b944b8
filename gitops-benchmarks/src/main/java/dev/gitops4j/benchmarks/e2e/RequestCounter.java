package dev.gitops4j.benchmarks.e2e;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the HTTP requests of one fabric8 client by Kubernetes verb, dry runs apart. */
final class RequestCounter implements Interceptor {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String query = request.uri().getRawQuery();
    counts
        .computeIfAbsent(
            verb(request.method(), request.uri().getRawPath(), query), k -> new LongAdder())
        .increment();
  }

  /** The Kubernetes verb of a request, as the API server's audit log names it. */
  static String verb(String method, String path, String query) {
    boolean dryRun = query != null && query.contains("dryRun=All");
    String verb =
        switch (method) {
          case "GET" ->
              query != null && query.contains("watch=true")
                  ? "watch"
                  : (names(path) ? "get" : "list");
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> names(path) ? "delete" : "deletecollection";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return dryRun ? verb + " (dry run)" : verb;
  }

  /** True when the path names one object rather than a collection. */
  private static boolean names(String path) {
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    int start;
    if (parts.length >= 2 && parts[0].equals("api")) {
      start = 2;
    } else if (parts.length >= 3 && parts[0].equals("apis")) {
      start = 3;
    } else {
      return true; // discovery and /version read one document
    }
    int rest = parts.length - start;
    if (rest == 0) {
      return true; // a group version's discovery document, e.g. /apis/apps/v1
    }
    if (rest >= 2 && parts[start].equals("namespaces")) {
      return rest == 2 || rest >= 4; // a namespace itself, or namespaces/ns/kind/name
    }
    return rest >= 2;
  }

  /** Counts so far, by verb (dry runs apart), sorted. */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((verb, count) -> out.put(verb, count.sum()));
    out.values().removeIf(v -> v == 0);
    return out;
  }

  void reset() {
    counts.values().forEach(LongAdder::reset);
  }
}
