/** gitops4j terraform target. */
package dev.gitops4j.terraform;
