package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.k8s.ha.LeaderElection;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InterceptingTarget;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two engines, each a replica with its own client, fenced by one Lease: one applies, then the
 * other.
 */
class LeaderEnginesIT {

  static final String APP = "leader-engines";
  static final int OBJECTS = 20;
  static KubernetesClient clientA;
  static KubernetesClient clientB;
  static KubernetesClient observer;

  @BeforeAll
  static void start() {
    TestCluster cluster = TestCluster.get();
    clientA = cluster.client();
    clientB = cluster.client();
    observer = cluster.client();
    observer
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(APP).endMetadata().build())
        .serverSideApply();
  }

  @AfterAll
  static void stop() {
    clientA.close();
    clientB.close();
    observer.close();
  }

  /** One replica: an engine whose applier counts this replica's writes, and its candidate. */
  static final class Replica implements AutoCloseable {
    final AtomicInteger applies = new AtomicInteger();
    final Engine engine;
    final LeaderElection election;

    Replica(String identity, KubernetesClient client, InMemorySource repo) {
      Target real = KubernetesTarget.builder(client).build().target(APP);
      Target counted =
          InterceptingTarget.wrap(
              real,
              (step, options) -> {
                if (!options.dryRun()) {
                  applies.incrementAndGet();
                }
              });
      election =
          LeaderElection.builder(client, APP, "gitops4j-leader")
              .identity(identity)
              .leaseDuration(Duration.ofSeconds(3))
              .renewDeadline(Duration.ofSeconds(2))
              .retryPeriod(Duration.ofMillis(400))
              .build();
      engine =
          Engine.builder()
              .fence(election)
              .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
              .application(
                  Application.builder(APP)
                      .source(repo)
                      .target(counted)
                      .policy(SyncPolicy.automatic())
                      .interval(Duration.ofHours(1))
                      .build())
              .build();
      election.addListener(LeaderElection.passesOnLeadership(engine));
      engine.start();
      election.start();
    }

    @Override
    public void close() {
      election.close();
      engine.close();
    }
  }

  static Map<String, String> revision(String value) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < OBJECTS; i++) {
      files.put("cm-" + i + ".yaml", configMap(APP, "cm-" + i, value));
    }
    return files;
  }

  static boolean all(String value) {
    for (int i = 0; i < OBJECTS; i++) {
      ConfigMap map = observer.configMaps().inNamespace(APP).withName("cm-" + i).get();
      if (map == null || !value.equals(map.getData().get("value"))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void onlyTheLeaderAppliesAndTheOtherTakesOverWhenItStops() throws Exception {
    InMemorySource repo = InMemorySource.create();
    repo.commit(revision("one"));
    try (Replica a = new Replica("replica-a", clientA, repo);
        Replica b = new Replica("replica-b", clientB, repo)) {
      assertThat(TestCluster.await(Duration.ofSeconds(30), () -> all("one")))
          .as("the leader converges the first revision")
          .isTrue();
      Replica leader = a.election.isLeader() ? a : b;
      Replica follower = leader == a ? b : a;
      assertThat(leader.election.isLeader()).isTrue();
      assertThat(follower.election.isLeader()).isFalse();

      // The follower's passes are suspended: asking it for one reads and writes nothing. Its
      // reason names the holder once the follower has observed it.
      assertThat(
              TestCluster.await(
                  Duration.ofSeconds(30),
                  () -> follower.election.leader().equals(Optional.of(leader.election.identity()))))
          .as("the follower sees the holder")
          .isTrue();
      PassResult idle = follower.engine.trigger(APP).get(30, TimeUnit.SECONDS);
      assertThat(idle.status()).isEqualTo(PassStatus.SUSPENDED);
      assertThat(idle.error())
          .contains("is not held by " + follower.election.identity())
          .contains("holder: " + leader.election.identity());
      assertThat(leader.engine.trigger(APP).get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.IN_SYNC);
      assertThat(leader.applies.get()).as("each object applied once").isEqualTo(OBJECTS);
      assertThat(follower.applies.get()).as("no apply by the follower").isZero();

      leader.close();
      repo.commit(revision("two"));
      assertThat(TestCluster.await(Duration.ofSeconds(30), follower.election::isLeader))
          .as("the follower takes the Lease")
          .isTrue();
      assertThat(TestCluster.await(Duration.ofSeconds(30), () -> all("two")))
          .as("the new leader converges the new revision")
          .isTrue();
      assertThat(follower.applies.get()).isEqualTo(OBJECTS);
      assertThat(leader.applies.get())
          .as("the stopped leader applied nothing more")
          .isEqualTo(OBJECTS);
    }
  }
}
