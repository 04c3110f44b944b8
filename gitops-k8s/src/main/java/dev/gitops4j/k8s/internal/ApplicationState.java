package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.ResourceId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one application on one cluster keeps from pass to pass: the hashes of its declared bodies
 * and its watches. What a single pass learns lives in its {@link KubeSession}.
 */
public final class ApplicationState {

  final String application;
  final Cluster cluster;
  final KubeEvents events;

  /** The hash of a declared body, kept while that same body instance is declared. */
  private record Hashed(JsonNode body, String hash) {}

  // One entry per declared object: a pass over an unchanged revision hashes nothing again.
  private final Map<ResourceId, Hashed> hashes = new ConcurrentHashMap<>();

  public ApplicationState(String application, Cluster cluster) {
    this.application = OwnershipMarks.requireApplicationName(application);
    this.cluster = cluster;
    this.events = new KubeEvents(this);
  }

  public String application() {
    return application;
  }

  public Cluster cluster() {
    return cluster;
  }

  public KubeEvents events() {
    return events;
  }

  /** Stops the application's watches. */
  public void close() {
    events.close();
  }

  /**
   * {@link OwnershipMarks#hash} of the declared body of {@code resource}, computed once per body
   * instance (rendered bodies are immutable and reused while the revision does not change).
   */
  String hash(DesiredResource resource) {
    Hashed known = hashes.get(resource.id());
    if (known != null && known.body() == resource.body()) {
      return known.hash();
    }
    String hash = OwnershipMarks.hash(resource.body());
    hashes.put(resource.id(), new Hashed(resource.body(), hash));
    return hash;
  }

  /** Forgets the hashes of objects no longer declared, so the cache tracks the declared set. */
  void retainHashes(Set<ResourceId> declared) {
    hashes.keySet().retainAll(declared);
  }
}
