/**
 * Drift detection: compares desired with live resource bodies.
 *
 * <p>{@link dev.gitops4j.diff.StructuralDiffer} is the {@link dev.gitops4j.diff.Differ} for JSON
 * trees, configured by {@link dev.gitops4j.diff.DiffOptions}: {@link dev.gitops4j.diff.Normalizer}s
 * (built-ins in {@link dev.gitops4j.diff.Normalizers}) rewrite both sides before comparing, {@link
 * dev.gitops4j.diff.IgnoreRule}s remove locations from both sides, and a {@link
 * dev.gitops4j.diff.SecretRedactor} hides secret values in reports. {@link
 * dev.gitops4j.diff.UnifiedDiff} renders drift as unified diffs of YAML for people.
 */
package dev.gitops4j.diff;
