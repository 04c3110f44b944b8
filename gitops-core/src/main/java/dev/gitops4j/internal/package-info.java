/** Helpers shared by the gitops4j modules; not an API. */
package dev.gitops4j.internal;
