/** Health assessment: the {@link dev.gitops4j.health.HealthCheck} SPI for resource kinds. */
package dev.gitops4j.health;
