package dev.gitops4j.k8s.fleet;

import dev.gitops4j.engine.Target;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.k8s.fleet.internal.RequestLimiter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One cluster of a {@link ClusterRegistry}: its client (one per cluster, shared by every
 * application on it, its requests bounded), its {@link KubernetesTarget}, its labels and health.
 */
public final class FleetCluster implements AutoCloseable {

  private final String name;
  private final KubernetesClient client;
  private final KubernetesTarget target;
  private final RequestLimiter limiter;
  private final Clock clock;
  private volatile Map<String, String> labels;
  private volatile ClusterHealth health = ClusterHealth.unknown();

  FleetCluster(
      ClusterSpec spec,
      KubernetesClient client,
      KubernetesTarget target,
      RequestLimiter limiter,
      Clock clock) {
    this.name = spec.name();
    this.labels = spec.labels();
    this.client = client;
    this.target = target;
    this.limiter = limiter;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  /** Its labels now. */
  public Map<String, String> labels() {
    return labels;
  }

  void labels(Map<String, String> labels) {
    this.labels = labels;
  }

  /** The API server URL. */
  public String server() {
    return target.endpoint();
  }

  /** The cluster's target; hand {@code target().target(application)} to each application on it. */
  public KubernetesTarget target() {
    return target;
  }

  /** Shortcut for {@code target().target(application)}. */
  public Target target(String application) {
    return target.target(application);
  }

  /** The cluster's client, shared by its applications; closed with the cluster. */
  public KubernetesClient client() {
    return client;
  }

  /** The most requests this cluster's client has waiting for a response at once. */
  public int maxConcurrentRequests() {
    return limiter.max();
  }

  /** The most requests that were ever waiting for a response at once. */
  public int peakConcurrentRequests() {
    return limiter.peak();
  }

  /** What the latest probe found ({@link ClusterRegistry#checkHealth}). */
  public ClusterHealth health() {
    return health;
  }

  /** Asks the API server its version, within {@code timeout}, and records what it found. */
  ClusterHealth probe(Duration timeout) {
    ClusterHealth found;
    try {
      String version =
          CompletableFuture.supplyAsync(() -> client.getKubernetesVersion().getGitVersion())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      found = new ClusterHealth(ClusterHealth.State.REACHABLE, version, "", clock.instant());
    } catch (TimeoutException e) {
      found = unreachable("no answer within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      found = unreachable("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      found = unreachable(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    health = found;
    return found;
  }

  private ClusterHealth unreachable(String error) {
    return new ClusterHealth(
        ClusterHealth.State.UNREACHABLE, health.version(), error, clock.instant());
  }

  /** Stops the watches of its applications and closes its client. */
  @Override
  public void close() {
    try {
      target.close();
    } finally {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "cluster " + name + " " + labels + " at " + server();
  }
}
