package dev.gitops4j.k8s.ha.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RendezvousTest {

  @Provide
  Arbitrary<Set<String>> applications() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .numeric()
        .withChars('-')
        .ofMinLength(1)
        .ofMaxLength(20)
        .set()
        .ofMinSize(1)
        .ofMaxSize(200);
  }

  @Provide
  Arbitrary<Set<String>> replicas() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .numeric()
        .withChars('-')
        .ofMinLength(1)
        .ofMaxLength(12)
        .set()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  private static Map<String, String> assign(Set<String> applications, Set<String> replicas) {
    Map<String, String> owners = new HashMap<>();
    for (String application : applications) {
      owners.put(application, Rendezvous.owner(application, replicas).orElseThrow());
    }
    return owners;
  }

  @Property(tries = 300)
  void everyApplicationHasExactlyOneOwnerWhateverTheOrder(
      @ForAll("applications") Set<String> applications, @ForAll("replicas") Set<String> replicas) {
    List<String> shuffled = new ArrayList<>(replicas);
    Collections.shuffle(shuffled);
    for (String application : applications) {
      String owner = Rendezvous.owner(application, replicas).orElseThrow();
      assertThat(replicas).contains(owner);
      // Every replica computes the same owner, whatever order it lists the members in.
      assertThat(Rendezvous.owner(application, shuffled)).contains(owner);
      assertThat(Rendezvous.owner(application, new TreeSet<>(replicas))).contains(owner);
    }
  }

  @Property(tries = 300)
  void onlyTheLeaversApplicationsMove(
      @ForAll("applications") Set<String> applications,
      @ForAll("replicas") Set<String> replicas,
      @ForAll @IntRange(min = 0, max = 7) int leaverIndex) {
    if (replicas.size() < 2) {
      return;
    }
    String leaver = new ArrayList<>(new TreeSet<>(replicas)).get(leaverIndex % replicas.size());
    Set<String> survivors = new TreeSet<>(replicas);
    survivors.remove(leaver);

    Map<String, String> before = assign(applications, replicas);
    Map<String, String> after = assign(applications, survivors);

    for (String application : applications) {
      if (before.get(application).equals(leaver)) {
        assertThat(survivors).contains(after.get(application));
      } else {
        assertThat(after.get(application)).as(application).isEqualTo(before.get(application));
      }
    }
  }

  @Property(tries = 300)
  void aJoinerTakesOnlyWhatItWins(
      @ForAll("applications") Set<String> applications,
      @ForAll("replicas") Set<String> replicas,
      @ForAll("replicas") Set<String> joiners) {
    Set<String> grown = new TreeSet<>(replicas);
    grown.addAll(joiners);
    Map<String, String> before = assign(applications, replicas);
    Map<String, String> after = assign(applications, grown);
    for (String application : applications) {
      String owner = after.get(application);
      // Either unchanged, or moved to a replica that was not there before.
      assertThat(owner.equals(before.get(application)) || !replicas.contains(owner))
          .as(application + ": " + before.get(application) + " -> " + owner)
          .isTrue();
    }
  }

  @Test
  void spreadsApplicationsEvenly() {
    List<String> replicas = List.of("gitops-0", "gitops-1", "gitops-2", "gitops-3");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      counts.merge(Rendezvous.owner("app-" + i, replicas).orElseThrow(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(4);
    // 1000 expected each; a weak hash would skew far beyond this band.
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
  }

  @Test
  void noReplicasNoOwner() {
    assertThat(Rendezvous.owner("shop", List.of())).isEmpty();
  }

  @Test
  void weightIsAFixedFunction() {
    // Pinned so that replicas on other JVMs or versions of this library agree: any change of the
    // function moves applications between replicas of mixed versions, so it must fail here.
    // The literals were computed outside this code, by a separate implementation of the
    // documented algorithm (64-bit FNV-1a over the UTF-8 key, the 0xff separator, the UTF-8 node,
    // then the MurmurHash3 fmix64 finalizer), checked against the published FNV-1a vectors.
    assertThat(Rendezvous.weight("shop", "gitops-0")).isEqualTo(0x2465ed9e20a4b214L);
    assertThat(Rendezvous.weight("shop", "gitops-1")).isEqualTo(0xa56c228850aebcb2L);
    assertThat(Rendezvous.weight("shop", "gitops-2")).isEqualTo(0x553bc9704fc6515bL);
    assertThat(Rendezvous.weight("ab", "c")).isEqualTo(0x7b4209eccab7f7c3L);
    assertThat(Rendezvous.weight("a", "bc")).isEqualTo(0x300bffd2a90ecf20L);
    assertThat(Rendezvous.weight("", "")).isEqualTo(0x1bbd5c813c69a8d7L);
    // Non-ASCII names hash their UTF-8 bytes, not the platform charset or UTF-16 chars.
    assertThat(Rendezvous.weight("caf\u00e9", "gitops-0")).isEqualTo(0x3a599162aa24d8b5L);
    assertThat(Rendezvous.weight("ab", "c")).isNotEqualTo(Rendezvous.weight("a", "bc"));
  }

  @Test
  void ownersArePinned() {
    // Weights compared unsigned: gitops-1 wins "shop" with 0xa56c..., which is negative signed.
    List<String> replicas = List.of("gitops-0", "gitops-1", "gitops-2", "gitops-3");
    assertThat(Rendezvous.owner("shop", replicas)).contains("gitops-1");
    assertThat(Rendezvous.owner("billing", replicas)).contains("gitops-2");
    assertThat(Rendezvous.owner("app-0", replicas)).contains("gitops-2");
    assertThat(Rendezvous.owner("app-1", replicas)).contains("gitops-3");
    assertThat(Rendezvous.owner("app-2", replicas)).contains("gitops-2");
    assertThat(Rendezvous.owner("app-3", replicas)).contains("gitops-1");
  }
}
