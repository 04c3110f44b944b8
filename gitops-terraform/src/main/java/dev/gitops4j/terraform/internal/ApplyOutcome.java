package dev.gitops4j.terraform.internal;

import java.util.Map;
import java.util.Set;

/**
 * What one apply did.
 *
 * @param completed addresses whose change completed
 * @param errored addresses whose change failed, with the error
 * @param error the run's error when it failed, or empty
 * @param retryable whether the failure may go away by itself (lock, interrupted, provider)
 */
public record ApplyOutcome(
    Set<String> completed, Map<String, String> errored, String error, boolean retryable) {

  public boolean failed() {
    return !error.isEmpty();
  }
}
