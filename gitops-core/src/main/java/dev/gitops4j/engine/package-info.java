/**
 * The reconcile loop: an {@link dev.gitops4j.engine.Engine} hosts {@link
 * dev.gitops4j.engine.Application}s, each binding a source to a {@link dev.gitops4j.engine.Target}
 * under a {@link dev.gitops4j.engine.SyncPolicy}, and reports through {@link
 * dev.gitops4j.engine.ReconcileListener}s.
 */
package dev.gitops4j.engine;
