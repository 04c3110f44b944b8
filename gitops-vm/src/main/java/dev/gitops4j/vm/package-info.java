/** gitops4j vm target. */
package dev.gitops4j.vm;
