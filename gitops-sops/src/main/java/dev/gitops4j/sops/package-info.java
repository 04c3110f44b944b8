/**
 * SOPS decryption while rendering: {@link dev.gitops4j.sops.SopsKeys} holds the age and OpenPGP
 * keys the embedding service supplies, {@link dev.gitops4j.sops.SopsDecryptor} decrypts the
 * SOPS-encrypted files of a snapshot in-process (or wraps any {@link dev.gitops4j.render.Renderer}
 * so that it does). The Kubernetes target wires it in with {@code
 * KubernetesTarget.builder(client).decryption(keys)}.
 */
package dev.gitops4j.sops;
