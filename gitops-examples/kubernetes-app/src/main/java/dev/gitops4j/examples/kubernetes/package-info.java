/**
 * Reconciles a small application into a Kubernetes cluster named by a kubeconfig; run {@link
 * dev.gitops4j.examples.kubernetes.KubernetesApp}.
 */
package dev.gitops4j.examples.kubernetes;
