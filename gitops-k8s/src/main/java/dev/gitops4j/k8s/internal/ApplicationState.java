package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.k8s.health.KubernetesHealthChecks;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.LiveResource;
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

  private final HealthCheck health;

  public ApplicationState(String application, Cluster cluster) {
    this(application, cluster, KubernetesHealthChecks.composite(KubernetesHealthChecks.all()));
  }

  /** With {@code health} judging objects where the target must (before PostSync hooks). */
  public ApplicationState(String application, Cluster cluster, HealthCheck health) {
    this.application = OwnershipMarks.requireApplicationName(application);
    this.cluster = cluster;
    this.health = health;
    this.events = new KubeEvents(this);
  }

  /** The target's health of {@code live}; healthy when no check knows its kind. */
  Health health(LiveResource live) {
    try {
      return health.assess(live).orElse(Health.healthy());
    } catch (RuntimeException e) {
      return Health.of(HealthStatus.UNKNOWN, "health check failed: " + e);
    }
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
