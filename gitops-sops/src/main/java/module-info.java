/**
 * gitops4j SOPS: decrypts SOPS-encrypted YAML and JSON files in-process, with age and OpenPGP keys
 * the embedding service supplies.
 *
 * <p>Only {@code dev.gitops4j.sops} is exported; {@code dev.gitops4j.sops.internal} holds the file
 * formats.
 */
module dev.gitops4j.sops {
  requires transitive dev.gitops4j.core;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pg;
  requires org.slf4j;

  exports dev.gitops4j.sops;
}
