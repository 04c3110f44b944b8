/**
 * Health of Kubernetes objects: {@link dev.gitops4j.k8s.health.KubernetesHealthChecks} for the
 * built-in kinds and the {@code status.conditions} conventions, {@link
 * dev.gitops4j.k8s.health.HealthWaiter} to wait for a set of objects to become healthy.
 */
package dev.gitops4j.k8s.health;
