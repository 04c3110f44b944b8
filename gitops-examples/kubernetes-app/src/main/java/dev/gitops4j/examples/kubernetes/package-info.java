/** Reconciles a small application into a Kubernetes cluster named by a kubeconfig. */
package dev.gitops4j.examples.kubernetes;
