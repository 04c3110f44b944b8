/** Per-kind health rules behind {@link dev.gitops4j.k8s.health.KubernetesHealthChecks}. */
package dev.gitops4j.k8s.health.internal;
