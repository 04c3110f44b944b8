package dev.gitops4j.k8s.ha;

import dev.gitops4j.k8s.ha.internal.Rendezvous;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The live replicas as one replica sees them, and the application owners that follow from them.
 *
 * @param self the replica holding this view
 * @param replicas live replicas counted for assignment; does not contain {@code self} while {@code
 *     self} is not (or no longer) allowed to own anything
 */
public record Membership(String self, SortedSet<String> replicas) {

  public Membership {
    Objects.requireNonNull(self, "self");
    replicas = Collections.unmodifiableSortedSet(new TreeSet<>(replicas));
  }

  /** A view over {@code replicas}. */
  public static Membership of(String self, Collection<String> replicas) {
    return new Membership(self, new TreeSet<>(replicas));
  }

  /** The replica that reconciles {@code application}; empty when no replica is live. */
  public Optional<String> ownerOf(String application) {
    return Rendezvous.owner(application, replicas);
  }

  /** True when {@link #self()} reconciles {@code application}. */
  public boolean owns(String application) {
    return ownerOf(application).map(self::equals).orElse(false);
  }
}
