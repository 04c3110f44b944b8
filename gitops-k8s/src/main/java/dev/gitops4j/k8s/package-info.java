/**
 * The Kubernetes target: {@link dev.gitops4j.k8s.KubernetesTarget} turns a fabric8 client into
 * gitops4j {@link dev.gitops4j.engine.Target}s, one per application. An application whose revisions
 * are Helm charts describes its release with {@link dev.gitops4j.k8s.HelmRelease} (a chart of the
 * revision, of an HTTP Helm repository or of an OCI registry), with {@link
 * dev.gitops4j.k8s.ChartCredentials} from environment variables or files.
 */
package dev.gitops4j.k8s;
