/**
 * Terraform/OpenTofu target: {@link dev.gitops4j.terraform.TerraformTarget} drives the real CLI
 * (init, plan, show -json, apply of the saved plan) and maps each plan into the engine's model, so
 * policies, approvals, history and events work as for every other target.
 */
package dev.gitops4j.terraform;
