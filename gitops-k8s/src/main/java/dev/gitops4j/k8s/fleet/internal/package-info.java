/** Implementation of the cluster registry: the request limiter and the cluster generator. */
package dev.gitops4j.k8s.fleet.internal;
