/**
 * State that outlives a process and is shared by replicas, in PostgreSQL: {@link
 * dev.gitops4j.jdbc.PostgresHistoryStore} (hash-chained audit trail), {@link
 * dev.gitops4j.jdbc.PostgresInventoryStore} (compare-and-set inventory) and {@link
 * dev.gitops4j.jdbc.PostgresLease} (leader lease with a fencing token, a {@link
 * dev.gitops4j.engine.Fence}). Tables are created and upgraded by {@link
 * dev.gitops4j.jdbc.PostgresSchema}.
 */
package dev.gitops4j.jdbc;
