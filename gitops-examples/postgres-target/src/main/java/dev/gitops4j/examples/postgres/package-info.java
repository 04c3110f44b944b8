/** A custom target written against the SPI: PostgreSQL roles and schemas managed from Git. */
package dev.gitops4j.examples.postgres;
