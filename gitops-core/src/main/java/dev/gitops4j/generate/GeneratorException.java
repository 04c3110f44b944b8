package dev.gitops4j.generate;

import dev.gitops4j.model.Problem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A generator could not produce its parameters: a source that cannot be read, a file that does not
 * parse, a template that refuses a parameter set. Nothing is registered or removed when it is
 * thrown.
 */
public final class GeneratorException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  /** A failure described by {@code message}. */
  public GeneratorException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of();
  }

  /** Problems found in files, each with its file and line. */
  public GeneratorException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  /** The problems in files, each with file, line and column; empty for other failures. */
  public List<Problem> problems() {
    return problems == null ? List.of() : problems;
  }
}
