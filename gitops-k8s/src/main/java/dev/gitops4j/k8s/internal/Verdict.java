package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import java.util.List;

/**
 * How one declared object compared with its live counterpart in one observation.
 *
 * @param desired the declared resource compared (by reference)
 * @param liveVersion resourceVersion of the live object compared
 * @param changes empty when in sync
 * @param rejection why the API server refused the dry-run apply of the declared body, or {@code
 *     null}; an update with a rejection fails validation before any write
 */
record Verdict(
    DesiredResource desired, String liveVersion, List<Change> changes, String rejection) {}
