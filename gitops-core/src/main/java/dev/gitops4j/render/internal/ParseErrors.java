package dev.gitops4j.render.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns parser exceptions into problems with the position of the error and a one-line message. */
final class ParseErrors {

  // Jackson quotes the offending token in these messages; it may be part of a secret value.
  private static final Pattern QUOTED_TOKEN =
      Pattern.compile("(Unrecognized token|numeric value|Invalid numeric value:?) '[^']*'");

  private ParseErrors() {}

  static Problem toProblem(String file, JsonProcessingException e) {
    // Jackson wraps snakeyaml's exception, which has the marks.
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      return yamlProblem(file, marked);
    }
    JsonLocation location = e.getLocation();
    Origin origin =
        location == null
            ? new Origin(file, 1, 0)
            : new Origin(
                file, Math.max(location.getLineNr(), 1), Math.max(location.getColumnNr(), 0));
    return new Problem(origin, clean(e.getOriginalMessage()));
  }

  /** snakeyaml says what it found and, often, what construct it was reading and where. */
  private static Problem yamlProblem(String file, MarkedYAMLException e) {
    Origin origin = origin(file, e.getProblemMark());
    StringBuilder message =
        new StringBuilder("invalid YAML: ").append(clean(String.valueOf(e.getProblem())));
    if (e.getContext() != null && e.getContextMark() != null) {
      Origin context = origin(file, e.getContextMark());
      message
          .append(" (")
          .append(clean(e.getContext()))
          .append(" started at line ")
          .append(context.line())
          .append(", column ")
          .append(context.column())
          .append(')');
    } else if (e.getContext() != null) {
      message.append(" (").append(clean(e.getContext())).append(')');
    }
    return new Problem(origin, message.toString());
  }

  private static Origin origin(String file, Mark mark) {
    // snakeyaml marks are 0-based.
    return new Origin(file, mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static String clean(String message) {
    if (message == null || message.isBlank()) {
      return "cannot parse";
    }
    String oneLine = message.strip().replaceAll("\\s*\\R\\s*", " ");
    return QUOTED_TOKEN.matcher(oneLine).replaceAll("$1 (value not shown)");
  }
}
