package dev.gitops4j.k8s.ha.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

/**
 * Rendezvous (highest-random-weight) hashing: a key belongs to the node with the highest weight
 * {@code hash(key, node)}. Every node computes the same owner from the same member set, and when a
 * node leaves only its keys move; when one joins, it takes only the keys it now wins.
 *
 * <p>The hash is a fixed function of the bytes (FNV-1a folded through the MurmurHash3 finalizer),
 * so replicas on different JVM versions agree.
 */
public final class Rendezvous {

  private Rendezvous() {}

  /** The owner of {@code key} among {@code nodes}; empty when there are none. */
  public static Optional<String> owner(String key, Collection<String> nodes) {
    String best = null;
    long bestWeight = 0;
    for (String node : nodes) {
      long weight = weight(key, node);
      // Unsigned comparison; ties (practically never) go to the smaller name so all agree.
      if (best == null
          || Long.compareUnsigned(weight, bestWeight) > 0
          || weight == bestWeight && node.compareTo(best) < 0) {
        best = node;
        bestWeight = weight;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Weight of {@code node} for {@code key}. */
  public static long weight(String key, String node) {
    long hash = 0xcbf29ce484222325L;
    hash = fnv(hash, key.getBytes(StandardCharsets.UTF_8));
    hash = (hash ^ 0xff) * 0x100000001b3L; // separator: ("ab","c") and ("a","bc") differ
    hash = fnv(hash, node.getBytes(StandardCharsets.UTF_8));
    return mix(hash);
  }

  private static long fnv(long hash, byte[] bytes) {
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
