package dev.gitops4j.render.internal;

import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;

/** A problem that stops reading the rest of a file: a limit is exceeded or the text is unusable. */
final class DecodeFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  DecodeFailure(Origin origin, String message) {
    super(origin + ": " + message, null, false, false);
    this.problem = new Problem(origin, message);
  }

  Problem problem() {
    return problem;
  }
}
