package dev.gitops4j.k8s.ha;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads applications over the live replicas of a service, so that each application is reconciled
 * by exactly one of them and only a departed replica's applications move.
 *
 * <p>Each replica keeps a heartbeat {@code coordination.k8s.io/v1} Lease named {@code
 * gitops4j-replica-<id>} in a namespace, renewed every {@link Builder#renewPeriod(Duration) renew
 * period}. A Lease not renewed within its lease duration belongs to a dead replica. An application
 * belongs to the live replica with the highest rendezvous weight for (application, replica), which
 * every replica computes the same way from the same Leases.
 *
 * <p>Handover is safe in both directions without a coordinator:
 *
 * <ul>
 *   <li>a replica stops owning anything one renew period before its Lease expires for the others
 *       when it cannot renew, and as soon as its view of the other Leases is older than the join
 *       delay;
 *   <li>a new replica takes applications only after the join delay (counted from its Lease's {@code
 *       acquireTime}), by which time every live replica has listed its Lease and computes the same
 *       owners.
 * </ul>
 *
 * <p>Embedders register the applications a replica owns and drop the others when ownership moves:
 *
 * <pre>{@code
 * ShardAssignment shards =
 *     ShardAssignment.builder(client, "gitops", podName)
 *         .listener(ShardAssignment.onOwnershipChange(
 *             () -> allApplicationNames, engine::register, engine::unregister))
 *         .build();
 * shards.start();
 * }</pre>
 *
 * <p>Times in Leases are wall-clock times of the writing replica: clocks of the replicas must agree
 * to within one renew period, as they must for Kubernetes leader election.
 */
public final class ShardAssignment implements AutoCloseable {

  /** Label holding the shard group on every heartbeat Lease. */
  public static final String GROUP_LABEL = "gitops4j.dev/shard-group";

  /** Prefix of heartbeat Lease names. */
  public static final String LEASE_PREFIX = "gitops4j-replica-";

  private static final Logger LOG = LoggerFactory.getLogger(ShardAssignment.class);
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Told when the live replicas — and so possibly the owned applications — change. */
  @FunctionalInterface
  public interface Listener {
    void membershipChanged(Membership previous, Membership current);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String replicaId;
  private final String group;
  private final Duration leaseDuration;
  private final Duration renewPeriod;
  private final Duration joinDelay;
  private final Clock clock;
  private final Listener listener;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;

  // Guarded by this.
  private Map<String, Heartbeat> others = Map.of();
  private Instant selfAcquired;
  private Instant selfRenewed;
  private Instant listed;
  private boolean closed;
  private Membership notified;
  private ScheduledFuture<?> ticks;

  /** What one heartbeat Lease says. */
  private record Heartbeat(Instant acquired, Instant renewed, Duration duration) {}

  private ShardAssignment(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.replicaId = b.replicaId;
    this.group = b.group;
    this.leaseDuration = b.leaseDuration;
    this.renewPeriod = b.renewPeriod;
    this.joinDelay = b.joinDelay != null ? b.joinDelay : b.renewPeriod.multipliedBy(2);
    this.clock = b.clock;
    this.listener = b.listener;
    this.ownsExecutor = b.executor == null;
    this.executor =
        b.executor != null
            ? b.executor
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "gitops4j-shards-" + b.replicaId);
                  t.setDaemon(true);
                  return t;
                });
    this.notified = Membership.of(replicaId, List.of());
  }

  /**
   * Starts describing a replica.
   *
   * @param namespace where heartbeat Leases live
   * @param replicaId unique among the replicas, a DNS label such as the pod name
   */
  public static Builder builder(KubernetesClient client, String namespace, String replicaId) {
    return new Builder(client, namespace, replicaId);
  }

  /**
   * A listener that calls {@code acquired} for each application this replica starts to own and
   * {@code released} for each it stops owning.
   *
   * @param applications every application name the service knows, read on each change
   */
  public static Listener onOwnershipChange(
      Supplier<? extends Collection<String>> applications,
      Consumer<String> acquired,
      Consumer<String> released) {
    Objects.requireNonNull(applications, "applications");
    Objects.requireNonNull(acquired, "acquired");
    Objects.requireNonNull(released, "released");
    return (previous, current) -> {
      for (String application : applications.get()) {
        boolean had = previous.owns(application);
        boolean has = current.owns(application);
        if (had && !has) {
          released.accept(application);
        } else if (!had && has) {
          acquired.accept(application);
        }
      }
    };
  }

  /** Writes this replica's heartbeat, reads the others, then keeps doing so every renew period. */
  public synchronized void start() {
    if (ticks != null || closed) {
      throw new IllegalStateException("shard assignment already started or closed");
    }
    ticks =
        executor.scheduleWithFixedDelay(
            this::tick, 0, renewPeriod.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** This replica's id. */
  public String replicaId() {
    return replicaId;
  }

  /** True when this replica reconciles {@code application} now. */
  public boolean owns(String application) {
    return membership().owns(application);
  }

  /** The live replica that reconciles {@code application} now, as this replica sees it. */
  public Optional<String> ownerOf(String application) {
    return membership().ownerOf(application);
  }

  /** The replicas counted for assignment now. */
  public synchronized Membership membership() {
    Instant now = clock.instant();
    TreeSet<String> live = new TreeSet<>();
    if (selfLive(now)) {
      live.add(replicaId);
      others.forEach(
          (id, beat) -> {
            if (!beat.acquired().plus(joinDelay).isAfter(now)
                && beat.renewed().plus(beat.duration()).isAfter(now)) {
              live.add(id);
            }
          });
    }
    return new Membership(replicaId, live);
  }

  private boolean selfLive(Instant now) {
    return !closed
        && selfAcquired != null
        && !selfAcquired.plus(joinDelay).isAfter(now)
        // Stop one renew period before the others may take over.
        && selfRenewed.plus(leaseDuration).minus(renewPeriod).isAfter(now)
        // A view older than the join delay may miss a replica that joined since.
        && listed.plus(joinDelay).isAfter(now);
  }

  /** Stops renewing, deletes this replica's Lease so the others take over at once. */
  @Override
  public void close() {
    Membership before;
    synchronized (this) {
      if (closed) {
        return;
      }
      before = membership();
      closed = true;
      if (ticks != null) {
        ticks.cancel(false);
      }
    }
    if (ownsExecutor) {
      executor.shutdownNow();
    }
    try {
      client.leases().inNamespace(namespace).withName(leaseName(replicaId)).delete();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot delete heartbeat lease of replica {}: {}", replicaId, e.getMessage());
    }
    notifyIfChanged(before, membership());
  }

  private void tick() {
    try {
      heartbeat();
    } catch (RuntimeException e) {
      LOG.warn("shard heartbeat of replica {} failed: {}", replicaId, e.toString());
    }
    Membership previous;
    Membership current;
    synchronized (this) {
      previous = notified;
      current = membership();
    }
    notifyIfChanged(previous, current);
  }

  private void notifyIfChanged(Membership previous, Membership current) {
    synchronized (this) {
      if (notified.equals(current)) {
        return;
      }
      previous = notified;
      notified = current;
    }
    LOG.info("replica {} sees live replicas {}", replicaId, current.replicas());
    try {
      listener.membershipChanged(previous, current);
    } catch (RuntimeException e) {
      LOG.error("shard listener of replica {} failed", replicaId, e);
    }
  }

  private void heartbeat() {
    List<Lease> leases =
        client.leases().inNamespace(namespace).withLabel(GROUP_LABEL, group).list().getItems();
    Instant listedAt = clock.instant();
    Map<String, Heartbeat> seen = new HashMap<>();
    Lease own = null;
    for (Lease lease : leases) {
      if (lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null) {
        continue;
      }
      String holder = lease.getSpec().getHolderIdentity();
      if (lease.getMetadata().getName().equals(leaseName(replicaId))) {
        own = lease;
      } else if (!holder.equals(replicaId)) {
        beat(lease).ifPresent(b -> seen.put(holder, b));
      }
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      others = Map.copyOf(seen);
      listed = listedAt;
    }
    renew(own);
  }

  private void renew(Lease own) {
    Instant now = clock.instant();
    ZonedDateTime nowTime = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
    Instant acquired;
    if (own == null) {
      acquired = now;
      Lease lease =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(leaseName(replicaId))
              .withNamespace(namespace)
              .addToLabels(GROUP_LABEL, group)
              .addToLabels("app.kubernetes.io/managed-by", "gitops4j")
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(replicaId)
              .withLeaseDurationSeconds((int) leaseDuration.toSeconds())
              .withAcquireTime(nowTime)
              .withRenewTime(nowTime)
              .endSpec()
              .build();
      client.leases().inNamespace(namespace).resource(lease).create();
    } else {
      if (!replicaId.equals(own.getSpec().getHolderIdentity())) {
        throw new IllegalStateException(
            "lease "
                + own.getMetadata().getName()
                + " is held by "
                + own.getSpec().getHolderIdentity());
      }
      Optional<Heartbeat> previous = beat(own);
      synchronized (this) {
        // A Lease left by an earlier run that expired means a fresh join: wait the join delay
        // again.
        boolean continuing =
            previous.isPresent()
                && previous.get().renewed().plus(previous.get().duration()).isAfter(now)
                && selfAcquired != null;
        acquired = continuing ? previous.get().acquired() : now;
      }
      own.getSpec().setAcquireTime(ZonedDateTime.ofInstant(acquired, ZoneOffset.UTC));
      own.getSpec().setRenewTime(nowTime);
      own.getSpec().setLeaseDurationSeconds((int) leaseDuration.toSeconds());
      // The resourceVersion from the list makes this an optimistic-concurrency update.
      client.leases().inNamespace(namespace).resource(own).update();
    }
    synchronized (this) {
      if (!closed) {
        selfAcquired = acquired;
        selfRenewed = now;
      }
    }
  }

  private static Optional<Heartbeat> beat(Lease lease) {
    var spec = lease.getSpec();
    if (spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
      return Optional.empty();
    }
    Instant renewed = spec.getRenewTime().toInstant();
    Instant acquired = spec.getAcquireTime() != null ? spec.getAcquireTime().toInstant() : renewed;
    return Optional.of(
        new Heartbeat(acquired, renewed, Duration.ofSeconds(spec.getLeaseDurationSeconds())));
  }

  static String leaseName(String replicaId) {
    return LEASE_PREFIX + replicaId;
  }

  /** Builder for {@link ShardAssignment}; defaults: 15 s leases renewed every 5 s. */
  public static final class Builder {
    private final KubernetesClient client;
    private final String namespace;
    private final String replicaId;
    private String group = "default";
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewPeriod = Duration.ofSeconds(5);
    private Duration joinDelay;
    private Clock clock = Clock.systemUTC();
    private Listener listener = (previous, current) -> {};
    private ScheduledExecutorService executor;

    private Builder(KubernetesClient client, String namespace, String replicaId) {
      this.client = Objects.requireNonNull(client, "client");
      this.namespace = requireLabel(namespace, "namespace");
      this.replicaId = requireLabel(replicaId, "replica id");
      if (LEASE_PREFIX.length() + replicaId.length() > 253) {
        throw new IllegalArgumentException("replica id too long: " + replicaId);
      }
    }

    /** Replicas sharding one set of applications; several groups can share a namespace. */
    public Builder group(String group) {
      this.group = requireLabel(group, "group");
      return this;
    }

    /** How long a heartbeat stays valid without renewal; whole seconds. */
    public Builder leaseDuration(Duration leaseDuration) {
      Objects.requireNonNull(leaseDuration, "leaseDuration");
      if (leaseDuration.toMillis() % 1000 != 0 || leaseDuration.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "lease duration must be whole seconds (Lease stores seconds), got " + leaseDuration);
      }
      this.leaseDuration = leaseDuration;
      return this;
    }

    /** How often the heartbeat is renewed and the other replicas are listed. */
    public Builder renewPeriod(Duration renewPeriod) {
      Objects.requireNonNull(renewPeriod, "renewPeriod");
      if (renewPeriod.toMillis() < 1) {
        throw new IllegalArgumentException("renew period must be positive, got " + renewPeriod);
      }
      this.renewPeriod = renewPeriod;
      return this;
    }

    /** How long a new replica waits before taking applications; default two renew periods. */
    public Builder joinDelay(Duration joinDelay) {
      Objects.requireNonNull(joinDelay, "joinDelay");
      this.joinDelay = joinDelay;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Runs the heartbeat; by default a daemon thread owned (and stopped) by the assignment. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public ShardAssignment build() {
      if (leaseDuration.compareTo(renewPeriod.multipliedBy(2)) <= 0) {
        throw new IllegalArgumentException(
            "lease duration "
                + leaseDuration
                + " must exceed two renew periods ("
                + renewPeriod
                + ") so a missed renewal is not a departure");
      }
      Duration join = joinDelay != null ? joinDelay : renewPeriod.multipliedBy(2);
      if (join.compareTo(renewPeriod) <= 0) {
        throw new IllegalArgumentException(
            "join delay " + join + " must exceed the renew period " + renewPeriod);
      }
      return new ShardAssignment(this);
    }

    private static String requireLabel(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
        throw new IllegalArgumentException(
            what + " must be a DNS label (lowercase letters, digits, '-'), got '" + value + "'");
      }
      return value;
    }
  }
}
