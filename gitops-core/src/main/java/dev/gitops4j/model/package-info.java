/**
 * The data that flows through a reconcile pass: resource identities, desired and live resources,
 * drift, plans, step results, inventories and health. All records are immutable.
 */
package dev.gitops4j.model;
