package dev.gitops4j.terraform.internal;

import dev.gitops4j.terraform.PlanMode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A plan made for one pass: the plan file {@code apply} takes and what it shows.
 *
 * @param revision the revision planned
 * @param mode what was planned
 * @param file the saved plan file (owner-only; holds variable values)
 * @param view the plan as read and redacted
 */
public record SavedPlan(String revision, PlanMode mode, Path file, PlanView view) {

  public SavedPlan {
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(view, "view");
  }

  /** The first 12 characters of the plan's digest, for messages. */
  public String shortDigest() {
    return view.digest().substring(0, 12);
  }
}
