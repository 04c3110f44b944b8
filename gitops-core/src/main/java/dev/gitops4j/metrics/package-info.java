/** Metrics: a {@link dev.gitops4j.engine.ReconcileListener} that publishes to Micrometer. */
package dev.gitops4j.metrics;
