package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The problems of one render, and the checks that read typed values out of YAML fields: each value
 * that does not fit records a problem at its file and line and reads as {@code null} (or empty), so
 * a render goes on and reports every problem of the revision at once.
 */
public final class FieldChecks {

  /** Names of hosts, groups, handlers and targets. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  /** Login users, owners and groups. */
  public static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

  private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");

  private final List<Problem> problems = new ArrayList<>();

  public void problem(Origin origin, String message) {
    problems.add(new Problem(origin, message));
  }

  public List<Problem> problems() {
    return List.copyOf(problems);
  }

  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** The documents of {@code file}; none when it does not decode (its problems are recorded). */
  public List<Manifest> decode(ManifestDecoder decoder, SourceFile file) {
    try {
      return decoder.decode(file);
    } catch (InvalidDesiredStateException e) {
      problems.addAll(e.problems());
      return List.of();
    }
  }

  /** Whether {@code node} is a mapping whose fields are all in {@code allowed}. */
  public boolean checkFields(Manifest doc, String p, JsonNode node, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      problem(doc.locate(p), "expected a mapping");
      return false;
    }
    boolean ok = true;
    var names = node.fieldNames();
    while (names.hasNext()) {
      String field = names.next();
      if (!allowed.contains(field)) {
        problem(
            doc.locate(p + "/" + field),
            "unknown field '" + field + "' (expected one of " + new TreeSet<>(allowed) + ")");
        ok = false;
      }
    }
    return ok;
  }

  /** A required name matching {@link #NAME}. */
  public String name(Manifest doc, String p, JsonNode node, String what) {
    String text = requiredText(doc, p, node, what);
    if (text != null && !NAME.matcher(text).matches()) {
      problem(doc.locate(p), what + " '" + text + "' must match " + NAME.pattern());
      return null;
    }
    return text;
  }

  public String requiredText(Manifest doc, String p, JsonNode node, String what) {
    return requiredText(doc, p, node, what, false);
  }

  public String requiredText(Manifest doc, String p, JsonNode node, String what, boolean emptyOk) {
    if (node == null || node.isNull()) {
      problem(doc.locate(p), what + " is required");
      return null;
    }
    if (!node.isTextual() && !node.isNumber() && !node.isBoolean()) {
      problem(doc.locate(p), what + " must be a string");
      return null;
    }
    String text = node.asText();
    if (!emptyOk && text.isBlank()) {
      problem(doc.locate(p), what + " must not be blank");
      return null;
    }
    return text;
  }

  public String optionalText(Manifest doc, String p, JsonNode node) {
    return node == null || node.isNull() ? null : requiredText(doc, p, node, p);
  }

  /** A name or a list of names; absent reads as none. */
  public List<String> names(Manifest doc, String p, JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(node.textValue());
    }
    if (!node.isArray()) {
      problem(doc.locate(p), "expected a name or a list of names");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        problem(doc.locate(p + "/" + i), "expected a name");
      } else {
        out.add(node.get(i).textValue());
      }
    }
    return out;
  }

  /** A mapping of scalar variables, in declaration order. */
  public Map<String, String> vars(Manifest doc, String p, JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      problem(doc.locate(p), "vars must be a mapping");
      return out;
    }
    node.properties()
        .iterator()
        .forEachRemaining(
            e -> {
              if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().asText());
              } else {
                problem(
                    doc.locate(p + "/" + e.getKey()),
                    "variable " + e.getKey() + " must be a scalar");
              }
            });
    return out;
  }

  /** Permission bits as four octal digits ({@code 0644}). */
  public String mode(Manifest doc, String p, JsonNode node) {
    int bits;
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      bits = node.intValue();
      if (bits < 0 || bits > 0777) {
        problem(
            doc.locate(p),
            "mode "
                + node.asText()
                + " is not a permission mode; write it in octal with a leading zero or quoted,"
                + " e.g. '0644'");
        return null;
      }
    } else if (node.isTextual() && OCTAL.matcher(node.textValue()).matches()) {
      bits = Integer.parseInt(node.textValue(), 8);
    } else {
      problem(doc.locate(p), "mode must be octal permission bits such as '0644'");
      return null;
    }
    return HostResourceFields.octal(bits);
  }

  /** An owner or group name matching {@link #ACCOUNT}. */
  public String account(Manifest doc, String p, JsonNode node, String field) {
    String value = requiredText(doc, p, node, field);
    if (value != null && !ACCOUNT.matcher(value).matches()) {
      problem(doc.locate(p), "invalid " + field + " '" + value + "'");
      return null;
    }
    return value;
  }
}
