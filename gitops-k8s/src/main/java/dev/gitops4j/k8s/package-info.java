/**
 * The Kubernetes target: {@link dev.gitops4j.k8s.KubernetesTarget} turns a fabric8 client into
 * gitops4j {@link dev.gitops4j.engine.Target}s, one per application.
 */
package dev.gitops4j.k8s;
