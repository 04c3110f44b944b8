/**
 * Turning the files of a snapshot into desired state.
 *
 * <p>{@link dev.gitops4j.render.Renderer} is the extension point; {@link
 * dev.gitops4j.render.ManifestRenderer} renders plain YAML and JSON manifests, decoded by {@link
 * dev.gitops4j.render.ManifestDecoder} within {@link dev.gitops4j.render.DecodeLimits}, with
 * identities from an {@link dev.gitops4j.render.IdentityResolver}. Any problem in any file fails
 * the whole revision with an {@link dev.gitops4j.render.InvalidDesiredStateException} naming every
 * file and line, so nothing of a bad revision is applied.
 */
package dev.gitops4j.render;
