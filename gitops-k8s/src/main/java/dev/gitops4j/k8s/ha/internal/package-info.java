/** Hashing behind {@link dev.gitops4j.k8s.ha.ShardAssignment}. */
package dev.gitops4j.k8s.ha.internal;
