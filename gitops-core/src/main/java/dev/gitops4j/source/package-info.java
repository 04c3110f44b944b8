/**
 * Where desired state comes from: the {@link dev.gitops4j.source.Source} SPI and its
 * implementations.
 *
 * <ul>
 *   <li>{@link dev.gitops4j.source.GitSource}: a Git repository over HTTPS, SSH, git:// or file://,
 *       following a {@link dev.gitops4j.source.GitRef} (branch, tag, semver range over tags, or a
 *       pinned commit), with a shared bare cache, shallow fetches and reads without checkout.
 *   <li>{@link dev.gitops4j.source.DirectorySource}: a local folder, revision = content hash.
 *   <li>{@link dev.gitops4j.source.InMemorySource}: for tests.
 * </ul>
 *
 * <p>Every read is bounded by {@link dev.gitops4j.source.SourceLimits} and refuses symlinks that
 * leave the source path. A {@link dev.gitops4j.source.SignaturePolicy} refuses commits not signed
 * by an allowed key; verification is pluggable through {@link
 * dev.gitops4j.source.SignatureVerifier} (OpenPGP key rings and SSH allowed-signers files are built
 * in).
 *
 * <p>Note: to ignore the host's {@code ~/.gitconfig} and {@code /etc/gitconfig}, the first Git
 * operation wraps JGit's process-wide {@code SystemReader}. The wrapper answers with empty
 * configurations only on threads that are inside a source operation; all other JGit use in the
 * process is unaffected.
 */
package dev.gitops4j.source;
