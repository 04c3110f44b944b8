/**
 * A custom target written against the SPI: PostgreSQL roles and schemas managed from Git. Start
 * with {@link dev.gitops4j.examples.postgres.PostgresTarget}, which assembles the pieces, and
 * {@link dev.gitops4j.examples.postgres.PostgresExample}, which tells the story; the module's
 * README walks through each piece.
 */
package dev.gitops4j.examples.postgres;
