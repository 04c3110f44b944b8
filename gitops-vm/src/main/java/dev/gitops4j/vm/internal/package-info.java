/**
 * Implementation of the VM target: transports, the per-host provider (observe, apply, state file,
 * handlers), path rules and variable substitution. Not API.
 */
package dev.gitops4j.vm.internal;
