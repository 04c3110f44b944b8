/** Reading targets: the {@link dev.gitops4j.live.LiveStateProvider} SPI. */
package dev.gitops4j.live;
