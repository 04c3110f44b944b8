/**
 * Running several replicas of an embedding service: {@link dev.gitops4j.k8s.ha.LeaderElection} (one
 * active replica) and {@link dev.gitops4j.k8s.ha.ShardAssignment} (applications spread over all
 * live replicas), both on {@code coordination.k8s.io/v1} Leases.
 */
package dev.gitops4j.k8s.ha;
