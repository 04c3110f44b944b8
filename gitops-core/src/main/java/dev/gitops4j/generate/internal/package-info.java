/** Implementation of the generators and of the application set's bookkeeping. */
package dev.gitops4j.generate.internal;
