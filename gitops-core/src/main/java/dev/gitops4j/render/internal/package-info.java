/** Implementation of manifest decoding: strict text checks, tree building, error translation. */
package dev.gitops4j.render.internal;
