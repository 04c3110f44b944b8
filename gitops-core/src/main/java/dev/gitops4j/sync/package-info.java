/**
 * Writing to targets: the {@link dev.gitops4j.sync.Applier} SPI that performs steps and the {@link
 * dev.gitops4j.sync.InventoryStore} SPI that records what an application owns.
 */
package dev.gitops4j.sync;
