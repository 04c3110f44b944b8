/** Reconciles an OpenTofu configuration using the local provider. */
package dev.gitops4j.examples.terraform;
