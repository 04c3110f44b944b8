package dev.gitops4j.terraform.internal;

import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where root module blocks are declared, found by a line scan of the root {@code *.tf} files: a
 * resource's own block, the {@code module} block for resources of child modules, the {@code output}
 * block for outputs. For reports only; an unknown block maps to the configuration folder.
 */
public final class Origins implements Function<ResourceId, Origin> {

  private static final Pattern BLOCK =
      Pattern.compile("^\\s*(resource|module|output)\\s+\"([^\"]+)\"(?:\\s+\"([^\"]+)\")?\\s*\\{");
  private static final Origin UNKNOWN = Origin.of(".", 0);

  private final Map<String, Origin> blocks;

  private Origins(Map<String, Origin> blocks) {
    this.blocks = blocks;
  }

  public static Origins none() {
    return new Origins(Map.of());
  }

  public static Origins of(Snapshot snapshot) {
    Map<String, Origin> blocks = new HashMap<>();
    for (SourceFile file : snapshot.files()) {
      if (file.path().contains("/") || !file.path().endsWith(".tf")) {
        continue;
      }
      String[] lines = new String(file.content(), StandardCharsets.UTF_8).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher matcher = BLOCK.matcher(lines[i]);
        if (matcher.find()) {
          String key =
              matcher.group(1).equals("resource")
                  ? "resource " + matcher.group(2) + "." + matcher.group(3)
                  : matcher.group(1) + " " + matcher.group(2);
          blocks.putIfAbsent(key, Origin.of(file.path(), i + 1));
        }
      }
    }
    return new Origins(Map.copyOf(blocks));
  }

  @Override
  public Origin apply(ResourceId id) {
    if (id.kind().equals(PlanView.OUTPUT_KIND)) {
      return blocks.getOrDefault("output " + id.name(), UNKNOWN);
    }
    if (id.scope() != null) {
      String first = id.scope().split("\\.")[1].replaceAll("\\[.*$", "");
      return blocks.getOrDefault("module " + first, UNKNOWN);
    }
    String name = id.name().replaceAll("\\[.*$", "");
    return blocks.getOrDefault("resource " + id.kind() + "." + name, UNKNOWN);
  }
}
