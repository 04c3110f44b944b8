package dev.gitops4j.k8s.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gitops4j.test.KubeApiServers;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leader election and sharding between several replicas against the real kube-apiserver. */
class HighAvailabilityIT {

  private static final List<String> APPS =
      IntStream.range(0, 120).mapToObj(i -> "app-" + i).toList();

  private static KubeAPIServer server;
  private static KubernetesClient client;
  private static int namespaces;

  /** Released by every callback, so waits wake up on changes instead of sleeping. */
  private final Semaphore changes = new Semaphore(0);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = new KubeAPIServer(KubeApiServers.offline().build());
    server.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private static String namespace() {
    String name = "ha-" + ++namespaces;
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
    return name;
  }

  // --- leader election ---------------------------------------------------------------------

  private LeaderElection candidate(String namespace, String identity, boolean release) {
    LeaderElection election =
        LeaderElection.builder(client, namespace, "gitops4j-leader")
            .identity(identity)
            .leaseDuration(Duration.ofSeconds(3))
            .renewDeadline(Duration.ofSeconds(2))
            .retryPeriod(Duration.ofMillis(400))
            .releaseOnClose(release)
            .build();
    election.addListener(
        new LeaderElection.Listener() {
          @Override
          public void startedLeading() {
            changes.release();
          }

          @Override
          public void stoppedLeading() {
            changes.release();
          }
        });
    closeables.add(election);
    return election;
  }

  @Test
  void exactlyOneLeaderAndFailoverWhenTheLeaderStopsRenewing() {
    String ns = namespace();
    LeaderElection a = candidate(ns, "replica-a", false);
    LeaderElection b = candidate(ns, "replica-b", false);
    a.start();
    b.start();

    awaitTrue(Duration.ofSeconds(15), () -> a.isLeader() || b.isLeader(), () -> "a leader");
    LeaderElection leader = a.isLeader() ? a : b;
    LeaderElection follower = leader == a ? b : a;
    assertThat(follower.isLeader()).isFalse();
    assertThat(holder(ns)).isEqualTo(leader.identity());

    // Crash-like stop: no release, so the follower must wait for the lease to expire.
    leader.close();
    assertThat(leader.isLeader()).isFalse();
    awaitTrue(
        Duration.ofSeconds(3 + 3), follower::isLeader, () -> "takeover by " + follower.identity());
    assertThat(holder(ns)).isEqualTo(follower.identity());
  }

  @Test
  void releasedLeaseIsTakenOverByTheOtherCandidate() {
    String ns = namespace();
    LeaderElection a = candidate(ns, "replica-a", true);
    a.start();
    awaitTrue(Duration.ofSeconds(15), a::isLeader, () -> "a leads");
    LeaderElection b = candidate(ns, "replica-b", true);
    b.start();

    a.close();
    awaitTrue(Duration.ofSeconds(3 + 3), b::isLeader, () -> "b takes over");
    assertThat(a.isLeader()).isFalse();
    assertThat(holder(ns)).isEqualTo("replica-b");
  }

  private static String holder(String namespace) {
    Lease lease = client.leases().inNamespace(namespace).withName("gitops4j-leader").get();
    return lease.getSpec().getHolderIdentity();
  }

  // --- sharding, real time ------------------------------------------------------------------

  @Test
  void applicationsMoveOnlyFromTheReplicaThatStops() {
    String ns = namespace();
    Map<String, ScheduledExecutorService> executors = new LinkedHashMap<>();
    Map<String, ShardAssignment> replicas = new LinkedHashMap<>();
    for (String id : List.of("gitops-0", "gitops-1", "gitops-2")) {
      ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
      executors.put(id, executor);
      ShardAssignment replica =
          ShardAssignment.builder(client, ns, id)
              .leaseDuration(Duration.ofSeconds(3))
              .renewPeriod(Duration.ofMillis(500))
              .executor(executor)
              .listener((previous, current) -> changes.release())
              .build();
      closeables.add(replica);
      closeables.add(executor::shutdownNow);
      replicas.put(id, replica);
      replica.start();
    }
    Set<String> all = replicas.keySet();
    awaitTrue(
        Duration.ofSeconds(15),
        () -> replicas.values().stream().allMatch(r -> r.membership().replicas().equals(all)),
        () -> "all replicas see " + all + ": " + views(replicas));
    Map<String, String> before = owners(replicas.values());
    assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(APPS);
    assertThat(Set.copyOf(before.values())).isEqualTo(all);

    // gitops-1 stops renewing (process frozen or killed): nothing is deleted.
    executors.get("gitops-1").shutdownNow();
    ShardAssignment dead = replicas.remove("gitops-1");
    Set<String> survivors = replicas.keySet();
    awaitTrue(
        Duration.ofSeconds(3 + 2),
        () -> replicas.values().stream().allMatch(r -> r.membership().replicas().equals(survivors)),
        () -> "survivors drop gitops-1: " + views(replicas));
    assertThat(dead.membership().replicas()).as("a stalled replica owns nothing").isEmpty();

    Map<String, String> after = owners(replicas.values());
    assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(APPS);
    for (String app : APPS) {
      if (before.get(app).equals("gitops-1")) {
        assertThat(survivors).contains(after.get(app));
      } else {
        assertThat(after.get(app))
            .as(app + " did not belong to gitops-1")
            .isEqualTo(before.get(app));
      }
    }
  }

  // --- sharding, manual clock: every step of a join and a departure --------------------------

  @Test
  void handoverNeverHasTwoOwnersStepByStep() {
    String ns = namespace();
    ManualClock clock = ManualClock.create();
    Map<String, ManualScheduler> schedulers = new LinkedHashMap<>();
    Map<String, ShardAssignment> replicas = new LinkedHashMap<>();
    Map<String, List<String>> acquired = new HashMap<>();

    java.util.function.Consumer<String> join =
        id -> {
          ManualScheduler scheduler = new ManualScheduler(clock);
          acquired.put(id, new ArrayList<>());
          ShardAssignment replica =
              ShardAssignment.builder(client, ns, id)
                  .leaseDuration(Duration.ofSeconds(3))
                  .renewPeriod(Duration.ofSeconds(1))
                  .clock(clock)
                  .executor(scheduler)
                  .listener(
                      ShardAssignment.onOwnershipChange(
                          () -> APPS, acquired.get(id)::add, app -> acquired.get(id).remove(app)))
                  .build();
          closeables.add(replica);
          schedulers.put(id, scheduler);
          replicas.put(id, replica);
          replica.start();
          scheduler.runDue();
        };
    Runnable second =
        () -> {
          clock.advance(Duration.ofSeconds(1));
          schedulers.values().forEach(ManualScheduler::runDue);
          assertAtMostOneOwner(replicas);
          // What the listeners of running replicas registered is what owns() says.
          schedulers
              .keySet()
              .forEach(
                  id ->
                      assertThat(acquired.get(id))
                          .as(id)
                          .containsExactlyInAnyOrderElementsOf(
                              APPS.stream().filter(replicas.get(id)::owns).toList()));
        };

    join.accept("r-a");
    join.accept("r-b");
    assertThat(replicas.values()).allSatisfy(r -> assertThat(r.membership().replicas()).isEmpty());
    second.run(); // t=1: both listed, join delay (2 s) not over
    assertThat(replicas.values()).allSatisfy(r -> assertThat(r.membership().replicas()).isEmpty());
    second.run(); // t=2: both counted
    assertExactlyOneOwner(replicas);
    Map<String, String> two = owners(replicas.values());

    join.accept("r-c"); // acquired at t=2
    second.run(); // t=3: a and b see c but do not count it yet; c owns nothing
    assertThat(replicas.get("r-c").membership().replicas()).isEmpty();
    assertThat(owners(replicas.values())).isEqualTo(two);
    second.run(); // t=4: everyone counts c at the same instant
    assertExactlyOneOwner(replicas);
    Map<String, String> three = owners(replicas.values());
    for (String app : APPS) {
      assertThat(three.get(app)).isIn(two.get(app), "r-c");
    }

    // r-b freezes after its renewal at t=4.
    ManualScheduler frozen = schedulers.remove("r-b");
    ShardAssignment b = replicas.get("r-b");
    second.run(); // t=5
    assertThat(b.membership().replicas()).contains("r-b");
    second.run(); // t=6: b gives up one renew period before its lease expires for the others
    assertThat(b.membership().replicas()).isEmpty();
    assertThat(replicas.get("r-a").membership().replicas()).contains("r-b");
    second.run(); // t=7: b's lease (renewed at 4, 3 s) has expired for a and c
    replicas.remove("r-b");
    assertExactlyOneOwner(replicas);
    Map<String, String> survivors = owners(replicas.values());
    for (String app : APPS) {
      if (three.get(app).equals("r-b")) {
        assertThat(survivors.get(app)).isIn("r-a", "r-c");
      } else {
        assertThat(survivors.get(app)).isEqualTo(three.get(app));
      }
    }
    assertThat(frozen.pendingDelays()).isNotEmpty();

    // Graceful leave: c deletes its lease and owns nothing at once; a takes over on its next tick.
    replicas.get("r-c").close();
    schedulers.remove("r-c");
    assertThat(client.leases().inNamespace(ns).withName("gitops4j-replica-r-c").get()).isNull();
    assertThat(acquired.get("r-c")).isEmpty();
    second.run(); // t=8
    replicas.remove("r-c");
    assertExactlyOneOwner(replicas);
    assertThat(owners(replicas.values()).values()).containsOnly("r-a");
  }

  // --- helpers -------------------------------------------------------------------------------

  private static Map<String, String> owners(Iterable<ShardAssignment> replicas) {
    Map<String, String> owners = new HashMap<>();
    for (ShardAssignment replica : replicas) {
      for (String app : APPS) {
        if (replica.owns(app)) {
          String previous = owners.put(app, replica.replicaId());
          if (previous != null) {
            fail(app + " owned by both " + previous + " and " + replica.replicaId());
          }
        }
      }
    }
    return owners;
  }

  private static void assertAtMostOneOwner(Map<String, ShardAssignment> replicas) {
    owners(replicas.values());
  }

  private static void assertExactlyOneOwner(Map<String, ShardAssignment> replicas) {
    assertThat(owners(replicas.values()).keySet()).containsExactlyInAnyOrderElementsOf(APPS);
  }

  private static String views(Map<String, ShardAssignment> replicas) {
    Map<String, Object> views = new LinkedHashMap<>();
    replicas.forEach((id, r) -> views.put(id, r.membership().replicas()));
    return views.toString();
  }

  /** Waits for {@code condition}, waking on every callback and at least every 100 ms. */
  private void awaitTrue(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("timed out after " + timeout + " waiting for " + what.get());
      }
      try {
        changes.tryAcquire(
            Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what.get());
      }
    }
  }
}
