/**
 * gitops4j Terraform/OpenTofu target: drives the real CLI (init, plan, show -json, apply) on a
 * working directory per application.
 *
 * <p>Only the API package is exported; {@code dev.gitops4j.terraform.internal} is implementation.
 */
module dev.gitops4j.terraform {
  requires transitive dev.gitops4j.core;
  requires org.slf4j;

  exports dev.gitops4j.terraform;
}
