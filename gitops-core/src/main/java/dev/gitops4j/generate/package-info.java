/**
 * Application generators: a {@link dev.gitops4j.generate.Generator} produces parameter sets (a
 * list, the folders or files of a Git revision, the clusters of a registry, the matrix of two), an
 * {@link dev.gitops4j.generate.ApplicationTemplate} makes an application of each, and an {@link
 * dev.gitops4j.generate.ApplicationSet} keeps an engine's applications equal to what they produce,
 * with an explicit {@link dev.gitops4j.generate.DeletionPolicy} and an optional progressive {@link
 * dev.gitops4j.generate.Rollout}.
 */
package dev.gitops4j.generate;
