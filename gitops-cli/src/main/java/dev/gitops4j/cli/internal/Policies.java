package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.SyncPolicy;
import java.util.Locale;

/** Sync policies by name: {@code automatic}, {@code detect-only}, {@code manual-approval}. */
final class Policies {

  private Policies() {}

  static SyncPolicy of(String mode, Boolean prune, Boolean selfHeal) {
    SyncPolicy base =
        switch (mode == null ? "automatic" : mode.strip().toLowerCase(Locale.ROOT)) {
          case "automatic" -> SyncPolicy.automatic();
          case "detect-only", "detectonly", "detect_only" -> SyncPolicy.detectOnly();
          case "manual-approval", "manual", "manual_approval" -> SyncPolicy.manualApproval();
          default ->
              throw new IllegalArgumentException(
                  "unknown policy mode '"
                      + mode
                      + "' (expected automatic, detect-only or manual-approval)");
        };
    SyncPolicy.Builder builder = base.toBuilder();
    if (prune != null) {
      builder.prune(prune);
    }
    if (selfHeal != null) {
      builder.selfHeal(selfHeal);
    }
    return builder.build();
  }
}
