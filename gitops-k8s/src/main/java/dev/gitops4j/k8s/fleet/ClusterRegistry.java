package dev.gitops4j.k8s.fleet;

import dev.gitops4j.generate.Generator;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.k8s.fleet.internal.ClusterGenerator;
import dev.gitops4j.k8s.fleet.internal.LimitedHttpClient;
import dev.gitops4j.k8s.fleet.internal.RequestLimiter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clusters one engine delivers to, supplied at run time by the embedding service: each with a
 * name, labels and its connection. The registry builds one client per cluster, shared by every
 * application on it, with at most {@code maxConcurrentRequests} requests waiting for a response at
 * once, and a {@link KubernetesTarget} over it; it probes each API server on request or on an
 * interval; and it tells its {@link #generator cluster generators} when clusters come, go or change
 * labels, so application sets follow at once.
 *
 * <pre>{@code
 * ClusterRegistry fleet = ClusterRegistry.builder().maxConcurrentRequests(8).build();
 * fleet.add(ClusterSpec.fromKubeconfig("eu-1", kubeconfig, "eu-1", Map.of("env", "prod")));
 * Generator prod = fleet.generator(ClusterSelector.label("env", "prod"));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ClusterRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRegistry.class);

  private final int maxConcurrentRequests;
  private final Function<KubernetesClient, KubernetesTarget.Builder> targets;
  private final Duration probeTimeout;
  private final Clock clock;
  private final Map<String, FleetCluster> clusters = new LinkedHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private ScheduledFuture<?> probes;
  private boolean closed;

  private ClusterRegistry(Builder builder) {
    this.maxConcurrentRequests = builder.maxConcurrentRequests;
    this.targets = builder.targets;
    this.probeTimeout = builder.probeTimeout;
    this.clock = builder.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds a cluster: builds its client and target (no request is sent yet) and tells the generators.
   *
   * @throws IllegalArgumentException when a cluster of that name is registered already
   */
  public FleetCluster add(ClusterSpec spec) {
    Objects.requireNonNull(spec, "spec");
    FleetCluster cluster;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the cluster registry is closed");
      }
      if (clusters.containsKey(spec.name())) {
        throw new IllegalArgumentException("cluster " + spec.name() + " is registered already");
      }
      RequestLimiter limiter = new RequestLimiter(maxConcurrentRequests);
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(spec.config())
              .withHttpClientFactory(LimitedHttpClient.factory(new JdkHttpClientFactory(), limiter))
              .build();
      KubernetesTarget target;
      try {
        target = Objects.requireNonNull(targets.apply(client), "target builder").build();
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
      cluster = new FleetCluster(spec, client, target, limiter, clock);
      clusters.put(spec.name(), cluster);
    }
    LOG.info("added {}", cluster);
    changed();
    return cluster;
  }

  /**
   * Removes a cluster from the registry and tells the generators: application sets then remove its
   * applications by their deletion policy. The cluster is handed back still open, since a {@code
   * PRUNE} deletes through it: close it once the sets' {@code deleting()} no longer name its
   * applications.
   *
   * @throws NoSuchElementException when there is no such cluster
   */
  public FleetCluster remove(String name) {
    FleetCluster removed;
    synchronized (this) {
      removed = clusters.remove(name);
    }
    if (removed == null) {
      throw new NoSuchElementException("no cluster " + name);
    }
    LOG.info("removed {}", removed);
    changed();
    return removed;
  }

  /** Replaces the labels of cluster {@code name} and tells the generators. */
  public void relabel(String name, Map<String, String> labels) {
    FleetCluster cluster = cluster(name);
    cluster.labels(java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels)));
    LOG.info("relabelled {}", cluster);
    changed();
  }

  /**
   * The cluster named {@code name}.
   *
   * @throws NoSuchElementException naming the clusters there are
   */
  public synchronized FleetCluster cluster(String name) {
    FleetCluster cluster = clusters.get(name);
    if (cluster == null) {
      throw new NoSuchElementException(
          "no cluster " + name + " (there are: " + String.join(", ", clusters.keySet()) + ")");
    }
    return cluster;
  }

  /** The cluster named {@code name}, if registered. */
  public synchronized Optional<FleetCluster> find(String name) {
    return Optional.ofNullable(clusters.get(name));
  }

  /** Every registered cluster, in the order they were added. */
  public synchronized List<FleetCluster> clusters() {
    return List.copyOf(clusters.values());
  }

  /** The registered clusters that {@code selector} selects, by name. */
  public synchronized List<FleetCluster> select(ClusterSelector selector) {
    return clusters.values().stream()
        .filter(cluster -> selector.matches(cluster.labels()))
        .sorted(java.util.Comparator.comparing(FleetCluster::name))
        .toList();
  }

  /**
   * A generator of one parameter set per cluster {@code selector} selects: {@code cluster.name},
   * {@code cluster.server} and {@code cluster.label.<key>} for each label. It reports every change
   * of the registry to its subscribers.
   */
  public Generator generator(ClusterSelector selector) {
    return new ClusterGenerator(this, selector);
  }

  /**
   * Calls {@code listener} after each change of the registry (a cluster added, removed or
   * relabelled), on the thread that made it.
   *
   * @return closes the subscription
   */
  public AutoCloseable subscribe(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void changed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("a listener of the cluster registry failed", e);
      }
    }
  }

  /** Probes every cluster's API server now, one after the other, each within the timeout. */
  public Map<String, ClusterHealth> checkHealth() {
    Map<String, ClusterHealth> found = new LinkedHashMap<>();
    for (FleetCluster cluster : clusters()) {
      found.put(cluster.name(), cluster.probe(probeTimeout));
    }
    return found;
  }

  /** Probes every cluster now and then every {@code interval} on {@code timers}. */
  public synchronized void startHealthChecks(ScheduledExecutorService timers, Duration interval) {
    if (probes != null) {
      throw new IllegalStateException("health checks are started already");
    }
    probes =
        timers.scheduleWithFixedDelay(
            () -> {
              try {
                checkHealth();
              } catch (RuntimeException e) {
                LOG.warn("probing the clusters failed", e);
              }
            },
            0,
            interval.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** Stops the health checks and closes every registered cluster. */
  @Override
  public void close() {
    List<FleetCluster> all;
    synchronized (this) {
      closed = true;
      if (probes != null) {
        probes.cancel(false);
      }
      all = new ArrayList<>(clusters.values());
      clusters.clear();
    }
    for (FleetCluster cluster : all) {
      try {
        cluster.close();
      } catch (RuntimeException e) {
        LOG.debug("closing {} failed", cluster, e);
      }
    }
  }

  /** Builder for {@link ClusterRegistry}. */
  public static final class Builder {
    private int maxConcurrentRequests = 16;
    private Function<KubernetesClient, KubernetesTarget.Builder> targets =
        KubernetesTarget::builder;
    private Duration probeTimeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Requests of one cluster waiting for a response at once, at most (default 16). */
    public Builder maxConcurrentRequests(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
      }
      this.maxConcurrentRequests = max;
      return this;
    }

    /**
     * How each cluster's target is set up from its client (default {@code
     * KubernetesTarget.builder(client)}), e.g. {@code client ->
     * KubernetesTarget.builder(client).fieldManager("platform")}.
     */
    public Builder targets(Function<KubernetesClient, KubernetesTarget.Builder> targets) {
      this.targets = Objects.requireNonNull(targets, "targets");
      return this;
    }

    /** How long a health probe waits for the API server (default 10 s). */
    public Builder probeTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("probeTimeout must be positive");
      }
      this.probeTimeout = timeout;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ClusterRegistry build() {
      return new ClusterRegistry(this);
    }
  }
}
