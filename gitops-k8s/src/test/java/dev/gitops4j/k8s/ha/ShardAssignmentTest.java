package dev.gitops4j.k8s.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ShardAssignmentTest {

  // Never contacted: only builder checks run here.
  private static final KubernetesClient CLIENT =
      new KubernetesClientBuilder()
          .withConfig(
              new io.fabric8.kubernetes.client.ConfigBuilder()
                  .withMasterUrl("https://127.0.0.1:1")
                  .build())
          .build();

  @AfterAll
  static void close() {
    CLIENT.close();
  }

  @Test
  void ownershipListenerReportsOnlyMovedApplications() {
    List<String> apps = IntStream.range(0, 50).mapToObj(i -> "app-" + i).toList();
    Membership two = Membership.of("a", List.of("a", "b"));
    Membership three = Membership.of("a", List.of("a", "b", "c"));
    List<String> acquired = new ArrayList<>();
    List<String> released = new ArrayList<>();
    ShardAssignment.Listener listener =
        ShardAssignment.onOwnershipChange(() -> apps, acquired::add, released::add);

    listener.membershipChanged(Membership.of("a", List.of()), two);
    assertThat(acquired).isNotEmpty().allSatisfy(app -> assertThat(two.owns(app)).isTrue());
    assertThat(acquired).hasSize((int) apps.stream().filter(two::owns).count());
    assertThat(released).isEmpty();

    acquired.clear();
    listener.membershipChanged(two, three);
    assertThat(acquired).isEmpty();
    // What "a" gives up goes to the joiner "c", never to "b".
    assertThat(released)
        .isNotEmpty()
        .allSatisfy(app -> assertThat(three.ownerOf(app)).contains("c"));
  }

  @Test
  void membershipWithoutSelfOwnsNothing() {
    Membership others = Membership.of("a", List.of("b", "c"));
    assertThat(IntStream.range(0, 100).mapToObj(i -> "app-" + i)).noneMatch(others::owns);
    assertThat(Membership.of("a", List.of()).ownerOf("x")).isEmpty();
  }

  @Test
  void builderChecksItsInputs() {
    assertThatThrownBy(() -> ShardAssignment.builder(CLIENT, "gitops", "Replica_1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replica id must be a DNS label")
        .hasMessageContaining("Replica_1");
    assertThatThrownBy(
            () ->
                ShardAssignment.builder(CLIENT, "gitops", "r1")
                    .leaseDuration(Duration.ofMillis(2500)))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(
            () ->
                ShardAssignment.builder(CLIENT, "gitops", "r1")
                    .leaseDuration(Duration.ofSeconds(4))
                    .renewPeriod(Duration.ofSeconds(2))
                    .build())
        .hasMessageContaining("must exceed two renew periods");
    assertThatThrownBy(
            () ->
                ShardAssignment.builder(CLIENT, "gitops", "r1")
                    .renewPeriod(Duration.ofSeconds(2))
                    .joinDelay(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("join delay");
  }

  @Test
  void leaderElectionBuilderChecksItsDurations() {
    assertThatThrownBy(
            () ->
                LeaderElection.builder(CLIENT, "gitops", "leader")
                    .leaseDuration(Duration.ofSeconds(5))
                    .renewDeadline(Duration.ofSeconds(5))
                    .build())
        .hasMessageContaining("must exceed the renew deadline");
    assertThatThrownBy(
            () ->
                LeaderElection.builder(CLIENT, "gitops", "leader")
                    .renewDeadline(Duration.ofSeconds(2))
                    .retryPeriod(Duration.ofSeconds(2))
                    .build())
        .hasMessageContaining("retry period");
    assertThat(LeaderElection.builder(CLIENT, "gitops", "leader").build().identity()).isNotBlank();
  }
}
