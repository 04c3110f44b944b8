/**
 * Reconciles an OpenTofu configuration using the local provider; run {@link
 * dev.gitops4j.examples.terraform.TerraformLocal}.
 */
package dev.gitops4j.examples.terraform;
