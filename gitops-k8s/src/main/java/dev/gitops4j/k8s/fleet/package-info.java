/**
 * Many clusters from one engine: a {@link dev.gitops4j.k8s.fleet.ClusterRegistry} of clusters the
 * embedding service supplies (kubeconfig contexts or fabric8 configs, with labels), one client per
 * cluster with bounded request concurrency, per-cluster health, and a cluster generator for {@link
 * dev.gitops4j.generate.ApplicationSet}s.
 */
package dev.gitops4j.k8s.fleet;
