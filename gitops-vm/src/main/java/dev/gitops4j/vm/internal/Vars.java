package dev.gitops4j.vm.internal;

import java.util.Map;

/**
 * Safe placeholder substitution: {@code ${host.name}}, {@code ${vars.port}}; {@code $${} writes a
 * literal {@code ${}. Nothing is evaluated: a placeholder is a name looked up in a map, and an
 * unknown name is an error.
 */
public final class Vars {

  /** A placeholder that cannot be resolved; the message names it. */
  public static final class UnknownVariable extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownVariable(String message) {
      super(message);
    }
  }

  private Vars() {}

  /** Replaces every placeholder of {@code text} with its value in {@code values}. */
  public static String expand(String text, Map<String, String> values) throws UnknownVariable {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new UnknownVariable("unclosed placeholder '${' (write '$${' for a literal '${')");
        }
        String name = text.substring(i + 2, end).strip();
        String value = values.get(name);
        if (value == null) {
          throw new UnknownVariable(
              "unknown variable ${"
                  + name
                  + "} (known: host.name, host.address, host.port, host.user and vars.* of the"
                  + " host and its groups)");
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
