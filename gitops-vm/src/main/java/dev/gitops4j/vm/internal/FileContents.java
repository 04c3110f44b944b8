package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.vm.VmHost;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders text for one host: variables substituted into paths, inline content, symlink targets and
 * commands, and the bytes of a file from inline {@code content} or a repository {@code source}
 * (substituted only with {@code template: true}), bounded in size.
 */
public final class FileContents {

  private final Snapshot snapshot;
  private final FieldChecks checks;
  private final int maxBytes;

  public FileContents(Snapshot snapshot, FieldChecks checks, int maxBytes) {
    this.snapshot = snapshot;
    this.checks = checks;
    this.maxBytes = maxBytes;
  }

  /** The variables of {@code host}: {@code host.*} and {@code vars.*}. */
  public static Map<String, String> scope(VmHost host) {
    Map<String, String> scope = new TreeMap<>();
    scope.put("host.name", host.name());
    scope.put("host.address", host.address());
    scope.put("host.port", Integer.toString(host.port()));
    scope.put("host.user", host.user());
    host.vars().forEach((k, v) -> scope.put("vars." + k, v));
    return scope;
  }

  /**
   * {@code text} with its placeholders substituted; {@code null} after recording a problem at
   * {@code pointer}.
   */
  public String expand(
      Manifest doc, String pointer, String text, Map<String, String> scope, String where) {
    try {
      return Vars.expand(text, scope);
    } catch (Vars.UnknownVariable e) {
      checks.problem(doc.locate(pointer), e.getMessage() + where);
      return null;
    }
  }

  /** The bytes of the file entry at {@code p}; {@code null} after recording a problem. */
  public byte[] fileContent(
      Manifest doc, String p, JsonNode entry, Map<String, String> scope, String where) {
    boolean inline = entry.has("content");
    boolean fromRepo = entry.has("source");
    if (inline == fromRepo) {
      checks.problem(doc.locate(p), "a file needs exactly one of content, source" + where);
      return null;
    }
    byte[] bytes;
    if (inline) {
      String text = checks.requiredText(doc, p + "/content", entry.get("content"), "content", true);
      String expanded = text == null ? null : expand(doc, p + "/content", text, scope, where);
      if (expanded == null) {
        return null;
      }
      bytes = expanded.getBytes(StandardCharsets.UTF_8);
    } else {
      bytes = fromRepository(doc, p, entry, scope, where);
      if (bytes == null) {
        return null;
      }
    }
    if (bytes.length > maxBytes) {
      checks.problem(doc.locate(p), "file content exceeds " + maxBytes + " bytes" + where);
      return null;
    }
    return bytes;
  }

  private byte[] fromRepository(
      Manifest doc, String p, JsonNode entry, Map<String, String> scope, String where) {
    String source = checks.requiredText(doc, p + "/source", entry.get("source"), "source");
    if (source == null) {
      return null;
    }
    SourceFile file = snapshot.file(source).orElse(null);
    if (file == null) {
      checks.problem(
          doc.locate(p + "/source"), "source file " + source + " is not in the repository");
      return null;
    }
    byte[] bytes = file.content();
    JsonNode template = entry.get("template");
    if (template != null && !template.isBoolean()) {
      checks.problem(doc.locate(p + "/template"), "template must be true or false");
      return null;
    }
    if (template != null && template.booleanValue()) {
      String expanded =
          expand(doc, p + "/source", new String(bytes, StandardCharsets.UTF_8), scope, where);
      if (expanded == null) {
        return null;
      }
      bytes = expanded.getBytes(StandardCharsets.UTF_8);
    }
    return bytes;
  }
}
