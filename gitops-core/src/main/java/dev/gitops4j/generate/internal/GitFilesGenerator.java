package dev.gitops4j.generate.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.GeneratorException;
import dev.gitops4j.generate.Parameters;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.DecodeLimits;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.internal.DocumentReader;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One parameter set per document of the JSON and YAML files of the revision whose path matches a
 * glob; the documents are read with the same strict reader as manifests (duplicate keys, custom
 * tags and unsafe aliases are errors, each with its file and line).
 */
public final class GitFilesGenerator implements Generator {

  private static final Set<String> RESERVED = Set.of("path", "path.basename", "path.filename");

  private final DocumentReader reader = new DocumentReader(DecodeLimits.ofDefaults());
  private final RevisionCache cache;

  public GitFilesGenerator(Source source, String glob) {
    this.cache =
        new RevisionCache(source, glob) {
          @Override
          List<Parameters> read(Snapshot snapshot) throws GeneratorException {
            List<Parameters> sets = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            for (SourceFile file : snapshot.files()) {
              if (matches(file.path())) {
                readFile(file, sets, problems);
              }
            }
            if (!problems.isEmpty()) {
              throw new GeneratorException(problems);
            }
            return sets;
          }
        };
  }

  private void readFile(SourceFile file, List<Parameters> sets, List<Problem> problems) {
    String extension = file.extension();
    boolean yaml = extension.equals("yaml") || extension.equals("yml");
    if (!yaml && !extension.equals("json")) {
      problems.add(
          new Problem(
              new dev.gitops4j.model.Origin(file.path(), 0, 0),
              "matches " + cache.glob + " but is neither JSON nor YAML (.json, .yaml, .yml)"));
      return;
    }
    DocumentReader.Result result = reader.read(file.path(), file.content(), yaml);
    if (!result.problems().isEmpty()) {
      problems.addAll(result.problems());
      return;
    }
    String folder = RevisionCache.parent(file.path());
    for (Manifest document : result.manifests()) {
      Map<String, String> values = new TreeMap<>();
      flatten("", document.body(), values);
      boolean clash = false;
      for (String key : RESERVED) {
        if (values.containsKey(key)) {
          problems.add(
              new Problem(
                  document.locate("/" + key.replace(".", "/")),
                  "parameter '" + key + "' is set by the generator and cannot be declared"));
          clash = true;
        }
      }
      if (clash) {
        continue;
      }
      values.put("path", folder);
      values.put("path.basename", RevisionCache.basename(folder));
      values.put("path.filename", RevisionCache.basename(file.path()));
      sets.add(Parameters.of(values));
    }
  }

  /** Nested values as dotted keys: {@code {db: {host: x}}} gives {@code db.host = x}. */
  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              field ->
                  flatten(
                      prefix + (prefix.isEmpty() ? "" : ".") + field.getKey(),
                      field.getValue(),
                      out));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + (prefix.isEmpty() ? "" : ".") + i, node.get(i), out);
      }
    } else if (!prefix.isEmpty()) {
      out.put(prefix, node.isNull() ? "" : node.asText());
    }
  }

  @Override
  public List<Parameters> generate() throws GeneratorException {
    return cache.current();
  }

  @Override
  public String toString() {
    return cache.describe("files");
  }
}
