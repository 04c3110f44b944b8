/**
 * The gitops4j test kit: everything needed to test reconcile logic and custom targets in plain unit
 * tests.
 *
 * <ul>
 *   <li>{@link dev.gitops4j.test.InMemoryTarget} — a real in-memory target (live-state provider and
 *       applier) that records every operation and can simulate hand edits, foreign objects and
 *       failures.
 *   <li>{@link dev.gitops4j.test.GitRepoFixture} — a real Git repository in a temporary folder,
 *       with commits, tags and branches.
 *   <li>{@link dev.gitops4j.test.GitOpsExtension} — a JUnit 5 extension injecting both.
 *   <li>{@link dev.gitops4j.test.TargetContractTest} — the contract every target must meet; extend
 *       it to prove a custom target against its real system.
 * </ul>
 */
package dev.gitops4j.test;
