package dev.gitops4j.render;

import dev.gitops4j.model.Problem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A revision's files do not decode or validate. Carries every problem found, each with file and
 * line, so a user can fix them all at once. Nothing of such a revision is applied.
 */
public class InvalidDesiredStateException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public InvalidDesiredStateException(List<Problem> problems) {
    super(format(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("at least one problem is required");
    }
    this.problems = List.copyOf(problems);
  }

  public InvalidDesiredStateException(Problem problem) {
    this(List.of(problem));
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String format(List<Problem> problems) {
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    return problems.size()
        + " problems:\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
