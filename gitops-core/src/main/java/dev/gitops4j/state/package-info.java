/**
 * State of the engine that outlives a process: {@link dev.gitops4j.state.StateStore} keeps pins,
 * suspensions, approvals and the last applied revision of each application.
 */
package dev.gitops4j.state;
