package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.k8s.Substitution;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Applies a {@link Substitution} to the manifest files of a rendered snapshot, document by document
 * on the text, so values take their YAML type and lines keep their numbers.
 */
final class Substitutor {

  private static final ManifestDecoder DECODER = ManifestDecoder.ofDefaults();

  // Keyed per process so that a fingerprint recorded in the history cannot be used to guess a
  // low-entropy value; it only has to tell apart the variables of two passes of one process.
  private static final byte[] FINGERPRINT_KEY = randomKey();

  private Substitutor() {}

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /**
   * The variables {@code substitution} gives now.
   *
   * @throws TargetException (retryable) when a variable source fails: the revision is not to blame
   */
  static Map<String, String> variables(Substitution substitution) throws TargetException {
    try {
      return substitution.variables();
    } catch (RuntimeException e) {
      // The message of our own checks names the variable; a source's own failure only its type.
      String reason = e instanceof IllegalStateException ? e.getMessage() : e.getClass().getName();
      throw new TargetException("substitution variables unavailable: " + reason, true);
    }
  }

  /**
   * What the engine records as this renderer's external input: the variable names and a keyed
   * digest of their values (never the values), so a changed value renders the revision again.
   */
  static String fingerprint(Map<String, String> variables) {
    StringBuilder canonical = new StringBuilder();
    new TreeMap<>(variables)
        .forEach((name, value) -> canonical.append(name).append('=').append(value).append('\0'));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(FINGERPRINT_KEY, "HmacSHA256"));
      byte[] digest = mac.doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return "variables "
          + String.join(",", new TreeMap<>(variables).keySet())
          + " hmac:"
          + HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
    }
  }

  /**
   * {@code snapshot} with variables substituted; the same instance when no file uses any.
   *
   * @throws TargetException (retryable) when a variable source fails: the revision is not to blame
   */
  static Snapshot apply(Substitution substitution, Snapshot snapshot)
      throws InvalidDesiredStateException, TargetException {
    return apply(substitution, null, snapshot);
  }

  /**
   * {@code snapshot} with {@code known} variables substituted, as read for this pass already; when
   * null, they are read from {@code substitution} if a file uses any.
   */
  static Snapshot apply(Substitution substitution, Map<String, String> known, Snapshot snapshot)
      throws InvalidDesiredStateException, TargetException {
    Map<String, String> variables = known;
    List<Problem> problems = new ArrayList<>();
    List<SourceFile> files = new ArrayList<>(snapshot.files().size());
    boolean changed = false;
    for (SourceFile file : snapshot.files()) {
      if (!DECODER.accepts(file) || !mentionsVariable(file.content())) {
        files.add(file);
        continue;
      }
      if (variables == null) {
        variables = variables(substitution);
      }
      SourceFile substituted = substitute(file, variables, substitution.strict(), problems);
      changed |= substituted != file;
      files.add(substituted);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    return changed ? new Snapshot(snapshot.revision(), snapshot.commit(), files) : snapshot;
  }

  private static boolean mentionsVariable(byte[] content) {
    for (int i = 0; i + 1 < content.length; i++) {
      if (content[i] == '$' && content[i + 1] == '{') {
        return true;
      }
    }
    return false;
  }

  private static SourceFile substitute(
      SourceFile file, Map<String, String> variables, boolean strict, List<Problem> problems)
      throws InvalidDesiredStateException {
    // Decoding first finds the documents and their opt-out annotations, and reports bad YAML
    // with the lines of the file as written.
    List<Manifest> manifests = DECODER.decode(file);
    String[] lines = new String(file.content(), StandardCharsets.UTF_8).split("\n", -1);
    for (int d = 0; d < manifests.size(); d++) {
      Manifest manifest = manifests.get(d);
      // A document runs from its first line to the line before the next one's.
      int from = d == 0 ? 0 : manifest.origin().line() - 1;
      int to = d + 1 < manifests.size() ? manifests.get(d + 1).origin().line() - 1 : lines.length;
      if (optedOut(manifest.body())) {
        continue;
      }
      for (int i = Math.max(from, 0); i < to && i < lines.length; i++) {
        lines[i] = line(lines[i], file.path(), i + 1, variables, strict, problems);
      }
    }
    byte[] content = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.equals(content, file.content())
        ? file
        : new SourceFile(file.path(), content);
  }

  private static boolean optedOut(JsonNode body) {
    JsonNode annotations = body.path("metadata").path("annotations");
    return "disabled".equals(annotations.path(Substitution.DISABLED_ANNOTATION).asText(""))
        || "disabled".equals(annotations.path(Substitution.FLUX_DISABLED_ANNOTATION).asText(""));
  }

  /** One line substituted; comment lines stay as they are. */
  static String line(
      String line,
      String path,
      int number,
      Map<String, String> variables,
      boolean strict,
      List<Problem> problems) {
    if (line.indexOf("${") < 0 || line.stripLeading().startsWith("#")) {
      return line;
    }
    StringBuilder out = new StringBuilder(line.length());
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '$' && line.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (c != '$' || !line.startsWith("${", i)) {
        out.append(c);
        i++;
        continue;
      }
      int close = line.indexOf('}', i + 2);
      if (close < 0) {
        problems.add(
            new Problem(
                new Origin(path, number, i + 1), "unterminated variable reference (missing '}')"));
        return line;
      }
      String inner = line.substring(i + 2, close);
      int colon = inner.indexOf(":=");
      String name = colon < 0 ? inner : inner.substring(0, colon);
      String fallback = colon < 0 ? null : inner.substring(colon + 2);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        problems.add(
            new Problem(
                new Origin(path, number, i + 1),
                "invalid variable reference ${"
                    + inner
                    + "} (expected ${name} or ${name:=default}; write $${ for a literal ${)"));
        return line;
      }
      String value = variables.get(name);
      if (value == null) {
        value = fallback;
      }
      if (value == null) {
        if (strict) {
          problems.add(
              new Problem(new Origin(path, number, i + 1), "variable " + name + " is not defined"));
        }
        value = "";
      }
      out.append(value);
      i = close + 1;
    }
    return out.toString();
  }
}
