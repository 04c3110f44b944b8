package dev.gitops4j.k8s.ha;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.FencedException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, with the semantics of client-go's
 * leader election (through fabric8's {@link LeaderElector}): one holder at a time, renewed every
 * retry period; a leader that cannot renew within the renew deadline steps down; a candidate takes
 * a Lease that has not been renewed for the lease duration.
 *
 * <p>Unlike a bare elector, this one keeps competing after losing the lease, until {@link
 * #close()}. It is the engine's {@link Fence}: a replica that does not lead runs no pass (its
 * passes end {@code SUSPENDED}), and a leader that steps down mid-pass stops before its next wave.
 * Since the renew deadline is shorter than the lease duration, a leader steps down before any other
 * candidate can take the Lease.
 *
 * <pre>{@code
 * LeaderElection election =
 *     LeaderElection.builder(client, "gitops", "gitops4j-leader").identity(podName).build();
 * Engine engine = Engine.builder().fence(election).application(app).build();
 * election.addListener(LeaderElection.passesOnLeadership(engine));
 * engine.start();
 * election.start();
 * }</pre>
 */
public final class LeaderElection implements Fence, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /** Leadership callbacks; each defaults to doing nothing. Called on the elector's thread. */
  public interface Listener {
    /** This candidate now holds the Lease. */
    default void startedLeading() {}

    /** This candidate no longer holds the Lease (lost it, or released it on close). */
    default void stoppedLeading() {}

    /** Some candidate, possibly this one, became the holder. */
    default void leaderChanged(String identity) {}
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final boolean releaseOnClose;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicReference<String> leader = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
  private volatile boolean closed;

  private LeaderElection(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.leaseName = b.leaseName;
    this.identity = b.identity;
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline;
    this.retryPeriod = b.retryPeriod;
    this.releaseOnClose = b.releaseOnClose;
  }

  /**
   * A listener that requests a pass of every application of {@code engine} when this candidate
   * starts leading, so that a failover does not wait for the next interval.
   */
  public static Listener passesOnLeadership(Engine engine) {
    Objects.requireNonNull(engine, "engine");
    return new Listener() {
      @Override
      public void startedLeading() {
        engine.applications().forEach(engine::trigger);
      }
    };
  }

  /** Adds a listener; listeners added before {@link #start()} hear every change. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Refuses writes unless this candidate holds the Lease now. */
  @Override
  public void check(String application) {
    if (!leading.get()) {
      throw new FencedException(
          "lease "
              + namespace
              + "/"
              + leaseName
              + " is not held by "
              + identity
              + leader().map(holder -> " (holder: " + holder + ")").orElse(""));
    }
  }

  /**
   * Starts describing a candidate.
   *
   * @param namespace namespace of the Lease
   * @param leaseName name of the Lease all candidates compete for
   */
  public static Builder builder(KubernetesClient client, String namespace, String leaseName) {
    return new Builder(client, namespace, leaseName);
  }

  /** Joins the election in the background. */
  public synchronized void start() {
    if (closed || running.get() != null) {
      throw new IllegalStateException("leader election already started or closed");
    }
    run();
  }

  private synchronized void run() {
    if (closed) {
      return;
    }
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(leaseName)
                    .withLock(new LeaseLock(namespace, leaseName, identity))
                    .withLeaseDuration(leaseDuration)
                    .withRenewDeadline(renewDeadline)
                    .withRetryPeriod(retryPeriod)
                    .withReleaseOnCancel(releaseOnClose)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(this::onStart, this::onStop, this::onNewLeader))
                    .build())
            .build();
    CompletableFuture<?> future = elector.start();
    running.set(future);
    // A lost lease ends fabric8's loop; compete again unless closed.
    future.whenComplete(
        (ok, error) -> {
          if (!closed && !future.isCancelled()) {
            if (error != null) {
              LOG.warn("leader election {} of {} ended: {}", leaseName, identity, error.toString());
            }
            run();
          }
        });
  }

  private void onStart() {
    leading.set(true);
    LOG.info("{} started leading {}/{}", identity, namespace, leaseName);
    listeners.forEach(listener -> safely(listener::startedLeading));
  }

  private void onStop() {
    if (leading.getAndSet(false)) {
      LOG.info("{} stopped leading {}/{}", identity, namespace, leaseName);
      listeners.forEach(listener -> safely(listener::stoppedLeading));
    }
  }

  private void onNewLeader(String newLeader) {
    leader.set(newLeader);
    listeners.forEach(listener -> safely(() -> listener.leaderChanged(newLeader)));
  }

  private static void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.error("leader election listener failed", e);
    }
  }

  /** True while this candidate holds the Lease. */
  public boolean isLeader() {
    return leading.get();
  }

  /** The last holder this candidate observed. */
  public Optional<String> leader() {
    return Optional.ofNullable(leader.get());
  }

  public String identity() {
    return identity;
  }

  /**
   * Leaves the election. With {@link Builder#releaseOnClose(boolean)} (the default) a leader
   * releases the Lease so another candidate takes over at once; otherwise they wait for it to
   * expire.
   */
  @Override
  public void close() {
    CompletableFuture<?> future;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      future = running.get();
    }
    if (future != null) {
      future.cancel(true);
    }
    onStop();
  }

  /** Builder for {@link LeaderElection}; defaults as in client-go: 15 s / 10 s / 2 s. */
  public static final class Builder {
    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private String identity = defaultIdentity();
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline = Duration.ofSeconds(10);
    private Duration retryPeriod = Duration.ofSeconds(2);
    private boolean releaseOnClose = true;

    private Builder(KubernetesClient client, String namespace, String leaseName) {
      this.client = Objects.requireNonNull(client, "client");
      this.namespace = requireNonBlank(namespace, "namespace");
      this.leaseName = requireNonBlank(leaseName, "leaseName");
    }

    /** Unique per candidate; default host name plus a random suffix. */
    public Builder identity(String identity) {
      this.identity = requireNonBlank(identity, "identity");
      return this;
    }

    /** How long a Lease stays with its holder without renewal before others may take it. */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
      return this;
    }

    /** How long the leader keeps retrying a failing renewal before it steps down. */
    public Builder renewDeadline(Duration renewDeadline) {
      this.renewDeadline = Objects.requireNonNull(renewDeadline, "renewDeadline");
      return this;
    }

    /** Pause between attempts to acquire or renew. */
    public Builder retryPeriod(Duration retryPeriod) {
      this.retryPeriod = Objects.requireNonNull(retryPeriod, "retryPeriod");
      return this;
    }

    public Builder releaseOnClose(boolean releaseOnClose) {
      this.releaseOnClose = releaseOnClose;
      return this;
    }

    public LeaderElection build() {
      if (retryPeriod.isNegative() || retryPeriod.isZero()) {
        throw new IllegalArgumentException("retry period must be positive, got " + retryPeriod);
      }
      if (leaseDuration.compareTo(renewDeadline) <= 0) {
        throw new IllegalArgumentException(
            "lease duration " + leaseDuration + " must exceed the renew deadline " + renewDeadline);
      }
      // fabric8 jitters the retry period by up to 20%; the deadline must leave room for one retry.
      if (renewDeadline.compareTo(retryPeriod.multipliedBy(12).dividedBy(10)) <= 0) {
        throw new IllegalArgumentException(
            "renew deadline "
                + renewDeadline
                + " must exceed 1.2 x the retry period "
                + retryPeriod);
      }
      return new LeaderElection(this);
    }

    private static String defaultIdentity() {
      String host = System.getenv().getOrDefault("HOSTNAME", "");
      if (host.isBlank()) {
        try {
          host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
          host = "gitops4j";
        }
      }
      return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String requireNonBlank(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
