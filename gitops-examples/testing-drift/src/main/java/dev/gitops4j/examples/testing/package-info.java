/** Unit tests of drift logic with the gitops-test kit. */
package dev.gitops4j.examples.testing;
