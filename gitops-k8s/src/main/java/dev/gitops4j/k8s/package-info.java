/** gitops4j k8s target. */
package dev.gitops4j.k8s;
